using System;

namespace IpcBridge.Serialization;

/// <summary>
/// A few large byte arrays that a stream transport has finished writing, kept for the next payload of the same length.
/// A fresh large array lives on the large object heap, whose new pages the operating system faults in one by one on
/// first touch: on the virtual machines benchmarked (docs/benchmarks.md) copying a megabyte into a fresh array took
/// milliseconds, into a reused one tens of microseconds. Only the sender's own copies pass through here (the bytes a
/// payload's serializer copied, once written to a socket or pipe); an array a receiver or user code holds never does.
/// </summary>
internal static class LargeArrayCache
{
    /// <summary>The length from which an array goes to the large object heap; smaller ones come warm from the young generation.</summary>
    public const int MinLength = 85_000;

    private const int Slots = 8;

    /// <summary>The most bytes kept, so that an idle process does not hold on to much.</summary>
    private const long MaxBytes = 16L * 1024 * 1024;

    /// <summary>Lock the slots array for all access to it and to <see cref="held"/>.</summary>
    private static readonly byte[]?[] SlotArrays = new byte[]?[Slots];

    private static long held;

    /// <summary>Returns an array of exactly <paramref name="length"/> bytes whose contents are about to be overwritten: a kept one when there is one.</summary>
    public static byte[] Rent(int length)
    {
        if (length >= MinLength)
        {
            lock (SlotArrays)
            {
                for (int i = 0; i < SlotArrays.Length; i++)
                {
                    byte[]? kept = SlotArrays[i];
                    if (kept is not null && kept.Length == length)
                    {
                        SlotArrays[i] = null;
                        held -= length;
                        return kept;
                    }
                }
            }
        }

        return BinarySegments.NewArray(length);
    }

    /// <summary>Keeps <paramref name="array"/> for a later <see cref="Rent"/>. The caller must be its only holder, and never touch it again.</summary>
    public static void Return(byte[] array)
    {
        if (array.Length < MinLength || array.Length > MaxBytes)
        {
            return;
        }

        lock (SlotArrays)
        {
            if (held + array.Length > MaxBytes)
            {
                return;
            }

            for (int i = 0; i < SlotArrays.Length; i++)
            {
                if (SlotArrays[i] is null)
                {
                    SlotArrays[i] = array;
                    held += array.Length;
                    return;
                }
            }
        }
    }
}
