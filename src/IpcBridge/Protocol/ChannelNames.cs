using System;
using System.Text;
using System.Threading;

namespace IpcBridge.Protocol;

/// <summary>
/// The channel names a reader decoded last, so that a link's frames on the same few channels share one string each
/// instead of a new one a frame (measured on main's read loop, a send of 16 B: an allocation and a UTF-8 decode of
/// every frame). Strings are immutable, so entries are shared across links and threads without a lock.
/// </summary>
internal static class ChannelNames
{
    private const int Slots = 64;
    private const int MaxLength = 64;
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly Entry?[] Entries = new Entry?[Slots];

    /// <summary>Returns <paramref name="utf8"/> decoded, from the cache when the same bytes were decoded before.</summary>
    /// <exception cref="DecoderFallbackException">The bytes are not UTF-8.</exception>
    public static string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxLength)
        {
            return Decode(utf8);
        }

        int slot = Hash(utf8) & (Slots - 1);
        Entry? entry = Volatile.Read(ref Entries[slot]);
        if (entry is not null && utf8.SequenceEqual(entry.Utf8))
        {
            return entry.Name;
        }

        string name = Decode(utf8);
        Volatile.Write(ref Entries[slot], new Entry(utf8.ToArray(), name));
        return name;
    }

    private static int Hash(ReadOnlySpan<byte> bytes)
    {
        uint hash = 2166136261;
        foreach (byte b in bytes)
        {
            hash = (hash ^ b) * 16777619;
        }

        return (int)(hash ^ (hash >> 16));
    }

#if NETSTANDARD2_0
    private static unsafe string Decode(ReadOnlySpan<byte> source)
    {
        fixed (byte* bytes = source)
        {
            return Utf8.GetString(bytes, source.Length);
        }
    }
#else
    private static string Decode(ReadOnlySpan<byte> source) => Utf8.GetString(source);
#endif

    private sealed class Entry
    {
        public Entry(byte[] utf8, string name)
        {
            this.Utf8 = utf8;
            this.Name = name;
        }

        public byte[] Utf8 { get; }

        public string Name { get; }
    }
}
