using System;
using System.Collections.Generic;
using System.Text.Json;

namespace IpcBridge.Serialization;

/// <summary>
/// The binary segments of the payload being written or read on this thread. System.Text.Json gives a converter no
/// per-call state, so <see cref="PayloadSerializer"/> opens a scope around each (synchronous) serializer call and the
/// <see cref="BinaryConverters"/> find it here. Scopes nest: a converter that serializes or reads a message of its own
/// inside a payload opens an inner scope, and the outer one is restored after it.
/// </summary>
internal static class BinarySegments
{
    private const int NotReading = 0;
    private const int SharedRead = 1;
    private const int SoleRead = 2;

    [ThreadStatic]
    private static List<ReadOnlyMemory<byte>>? writing;

    [ThreadStatic]
    private static BinaryPayload? readPayload;

    [ThreadStatic]
    private static int readMode;

    /// <summary>Gets the segments of the payload being written on this thread, or <see langword="null"/> outside a write.</summary>
    public static List<ReadOnlyMemory<byte>>? Writing => writing;

    /// <summary>Starts collecting segments into <paramref name="segments"/>; returns the outer scope's list, to give back to <see cref="EndWrite"/>.</summary>
    public static List<ReadOnlyMemory<byte>>? BeginWrite(List<ReadOnlyMemory<byte>> segments)
    {
        List<ReadOnlyMemory<byte>>? outer = writing;
        segments.Clear();
        writing = segments;
        return outer;
    }

    public static void EndWrite(List<ReadOnlyMemory<byte>>? outer) => writing = outer;

    /// <summary>Makes a read of a payload's JSON resolve <c>{"$bin":N}</c> to <paramref name="payload"/>'s segments.</summary>
    /// <param name="payload">The payload's segments, or <see langword="null"/> when it has none (every reference is then an error).</param>
    /// <param name="soleReader">Whether this read is the only one the payload will ever have, so that a segment in an array of its own may be handed over rather than copied.</param>
    /// <returns>The outer scope, to give back to <see cref="EndRead"/>.</returns>
    public static ReadState BeginRead(BinaryPayload? payload, bool soleReader)
    {
        var outer = new ReadState(readPayload, readMode);
        readPayload = payload;
        readMode = soleReader ? SoleRead : SharedRead;
        return outer;
    }

    public static void EndRead(ReadState outer)
    {
        readPayload = outer.Payload;
        readMode = outer.Mode;
    }

    /// <summary>Returns segment <paramref name="index"/> of the payload being read as a read-only view, without copying it.</summary>
    /// <exception cref="JsonException">No payload is being read, or it has no such segment.</exception>
    public static ReadOnlyMemory<byte> View(long index)
    {
        ReadOnlyMemory<byte> segment = Segment(index);

        // A sole reader's view is as good as the array: nobody may take that as a byte[] after this.
        if (readMode == SoleRead)
        {
            readPayload!.TryTake((int)index, out _);
        }

        return segment;
    }

    /// <summary>Returns segment <paramref name="index"/> as an array the reader owns: the segment's own array for a sole reader, else a copy.</summary>
    /// <exception cref="JsonException">No payload is being read, or it has no such segment.</exception>
    public static byte[] OwnedArray(long index)
    {
        ReadOnlyMemory<byte> segment = Segment(index);
        if (readMode == SoleRead && readPayload!.TryTake((int)index, out byte[]? taken))
        {
            return taken!;
        }

        // A sole reader that meets a segment it took once more (the JSON names it twice) copies it: the reader has not
        // had the first array back yet, so its bytes are still the segment's.
        return Copy(segment.Span);
    }

    /// <summary>Copies <paramref name="bytes"/> into an array nobody else holds (a large one may have been written before, <see cref="LargeArrayCache"/>).</summary>
    public static byte[] Copy(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return Array.Empty<byte>();
        }

        byte[] copy = LargeArrayCache.Rent(bytes.Length);
        bytes.CopyTo(copy);
        return copy;
    }

    /// <summary>A new array whose every byte is about to be overwritten: from .NET 5 on, it skips zeroing it first.</summary>
    public static byte[] NewArray(int length)
#if NETSTANDARD2_0
        => new byte[length];
#else
        => GC.AllocateUninitializedArray<byte>(length);
#endif

    private static ReadOnlyMemory<byte> Segment(long index)
    {
        if (readMode == NotReading)
        {
            throw new JsonException("A binary segment reference outside a received payload.");
        }

        BinaryPayload? payload = readPayload;
        if (payload is null || index < 0 || index >= payload.Count)
        {
            throw new JsonException($"The payload refers to binary segment {index}, but its frame carries {payload?.Count ?? 0}.");
        }

        // Read here: a receiver may keep what it reads, so the payload's arrays are no longer the writer's to reuse.
        payload.Share();
        if (readMode != SoleRead && payload.IsTaken((int)index))
        {
            throw new JsonException($"Binary segment {index} was already handed to the payload's only reader.");
        }

        return payload.Segment((int)index);
    }

    /// <summary>The read scope a <see cref="BeginRead"/> replaced.</summary>
    internal readonly struct ReadState
    {
        public ReadState(BinaryPayload? payload, int mode)
        {
            this.Payload = payload;
            this.Mode = mode;
        }

        public BinaryPayload? Payload { get; }

        public int Mode { get; }
    }
}
