using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using IpcBridge.Protocol;

namespace IpcBridge.AspNetCore;

/// <summary>
/// Protocol 3 puts a binary-segment count (a varint, then that many segment lengths) after the ports list of every
/// frame. Where this build's <see cref="FrameCodec"/> does not write that field yet, pages still speak the full layout:
/// this adds a count of 0 to the frames main sends a page and takes it out of the frames a page sends (refusing frames
/// that do carry segments). It switches itself off, by measuring what the codec writes, once the codec has the field.
/// </summary>
internal static class BinaryCountBridge
{
    /// <summary>Gets whether the codec lacks the field, so that this bridge must add and remove it.</summary>
    public static bool Active { get; } = CodecLacksBinaryCount();

    /// <summary>Writes <paramref name="frame"/> as a page reads it: length prefix included, binary count in place.</summary>
    public static void Write(ArrayBufferWriter<byte> writer, Frame frame)
    {
        FrameCodec.Write(writer, frame);
        if (!Active)
        {
            return;
        }

        // In place: the bytes after the ports list move up by one to make room for the count of 0.
        int at = AfterPorts(writer.WrittenSpan);
        int length = writer.WrittenCount;
        writer.GetSpan(1);
        writer.Advance(1);
        Span<byte> all = MemoryMarshal.AsMemory(writer.WrittenMemory).Span;
        all.Slice(at, length - at).CopyTo(all.Slice(at + 1));
        all[at] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(all, BinaryPrimitives.ReadUInt32LittleEndian(all) + 1);
    }

    /// <summary>Turns the body of a page's frame (after the length prefix) into what the codec parses.</summary>
    /// <exception cref="IpcProtocolException">The frame carries binary segments, or its header is cut short.</exception>
    public static byte[] ToCodec(ReadOnlySpan<byte> body)
    {
        if (!Active)
        {
            return body.ToArray();
        }

        int at = AfterPorts(body, prefix: 0);
        if (at >= body.Length)
        {
            throw new IpcProtocolException("a frame cut short before its binary segment count");
        }

        if (body[at] != 0)
        {
            throw new IpcProtocolException("a frame with binary segments, which this main cannot read yet");
        }

        byte[] bytes = new byte[body.Length - 1];
        body.Slice(0, at).CopyTo(bytes);
        body.Slice(at + 1).CopyTo(bytes.AsSpan(at));
        return bytes;
    }

    /// <summary>Finds where the ports list ends: kind, optional trace context, call id, port id, channel, ports.</summary>
    private static int AfterPorts(ReadOnlySpan<byte> frame, int prefix = FrameCodec.LengthPrefixSize)
    {
        int at = prefix;
        if (at >= frame.Length)
        {
            throw new IpcProtocolException("a frame cut short in its header");
        }

        at += (frame[at] & 0x80) != 0 ? 1 + 25 : 1;
        at = SkipVarint(frame, at);
        at = SkipVarint(frame, at);
        at = SkipVarint(frame, at, out ulong channelLength);
        if (channelLength > (ulong)(frame.Length - at))
        {
            throw new IpcProtocolException("a channel name longer than its frame");
        }

        at += (int)channelLength;
        at = SkipVarint(frame, at, out ulong portCount);
        if (portCount > (ulong)(frame.Length - at))
        {
            throw new IpcProtocolException("more ports than bytes in its frame");
        }

        for (ulong i = 0; i < portCount; i++)
        {
            at = SkipVarint(frame, at);
        }

        return at;
    }

    private static int SkipVarint(ReadOnlySpan<byte> frame, int at) => SkipVarint(frame, at, out _);

    private static int SkipVarint(ReadOnlySpan<byte> frame, int at, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (at >= frame.Length)
            {
                throw new IpcProtocolException("a frame cut short in its header");
            }

            byte b = frame[at++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return at;
            }
        }

        throw new IpcProtocolException("a varint longer than ten bytes");
    }

    private static bool CodecLacksBinaryCount()
    {
        // An empty Send frame: prefix 4, kind 1, call id 1, port id 1, channel length 1, port count 1, and in protocol 3 the binary count 1.
        var writer = new ArrayBufferWriter<byte>();
        FrameCodec.Write(writer, new Frame(FrameKind.Send, 0, string.Empty, ReadOnlyMemory<byte>.Empty));
        return writer.WrittenCount == FrameCodec.LengthPrefixSize + 5;
    }
}
