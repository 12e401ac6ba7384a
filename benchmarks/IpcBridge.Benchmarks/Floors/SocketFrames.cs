using System;
using System.Buffers.Binary;

namespace IpcBridge.Benchmarks.Floors;

/// <summary>
/// The raw floor's wire format: <c>length:u32le | kind:u8 | filler</c>, where <c>length</c> counts the bytes after
/// itself. The echo child sends back every frame of kind <see cref="Echo"/> and only counts the others.
/// </summary>
public static class SocketFrames
{
    public const int PrefixSize = 4;

    /// <summary>The size of a small message, length prefix included.</summary>
    public const int SmallMessageSize = 64;

    /// <summary>A frame the child reads and drops.</summary>
    public const byte Consume = 0;

    /// <summary>A frame the child writes back unchanged.</summary>
    public const byte Echo = 1;

    /// <summary>Returns one frame of <paramref name="totalSize"/> bytes, prefix included.</summary>
    public static byte[] Create(int totalSize, byte kind)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSize, PrefixSize + 1);
        byte[] frame = new byte[totalSize];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)(totalSize - PrefixSize));
        frame[PrefixSize] = kind;
        frame.AsSpan(PrefixSize + 1).Fill((byte)'x');
        return frame;
    }

    /// <summary>Returns <paramref name="count"/> small frames of <paramref name="kind"/> back to back: one batched write.</summary>
    public static byte[] CreateBatch(int count, byte kind)
    {
        byte[] one = Create(SmallMessageSize, kind);
        byte[] batch = new byte[count * SmallMessageSize];
        for (int i = 0; i < count; i++)
        {
            one.CopyTo(batch, i * SmallMessageSize);
        }

        return batch;
    }
}
