using System;
using System.Collections.Concurrent;

namespace IpcBridge.Benchmarks;

/// <summary>The payloads of the send and invoke figures: ASCII strings, so a size in characters is a size in UTF-8 bytes.</summary>
public static class Payloads
{
    public const int Small = 16;

    public const int Medium = 1024;

    public const int Large = 1024 * 1024;

    private static readonly ConcurrentDictionary<int, string> Cache = new();

    public static int[] Sizes => new[] { Small, Medium, Large };

    private static readonly ConcurrentDictionary<int, byte[]> BytesCache = new();

    public static string Get(int size) => Cache.GetOrAdd(size, s => new string('x', s));

    /// <summary>Returns a <c>byte[]</c> of <paramref name="size"/> bytes, for the binary payload figures.</summary>
    public static byte[] GetBytes(int size) => BytesCache.GetOrAdd(size, s =>
    {
        byte[] bytes = new byte[s];
        new Random(s).NextBytes(bytes);
        return bytes;
    });

    /// <summary>Returns "16 B", "1 KiB" or "1 MiB".</summary>
    public static string Label(int size) => size >= Large && size % Large == 0 ? $"{size / Large} MiB"
        : size >= Medium && size % Medium == 0 ? $"{size / Medium} KiB"
        : $"{size} B";

    /// <summary>Returns "16B", "1KiB" or "1MiB", for scenario names.</summary>
    public static string Tag(int size) => Label(size).Replace(" ", string.Empty, StringComparison.Ordinal);

    /// <summary>The most operations of this size one run may do: megabyte messages would otherwise queue gigabytes.</summary>
    public static int MaxCount(int size) => size >= Large ? 64 : size >= Medium ? 200_000 : 1_000_000;
}
