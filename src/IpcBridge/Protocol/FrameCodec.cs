using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;

namespace IpcBridge.Protocol;

/// <summary>
/// The binary frame layout on a stream (docs/protocol.md):
/// <c>length:u32le | kind:u8 | [trace:25] | callId:varint | portId:varint | channelLength:varint | channel:utf8 | portCount:varint | ports:varint* | payload</c>,
/// where <c>length</c> counts every byte after itself. Varints are unsigned LEB128 (7 bits a byte, low first). When the
/// kind byte has its high bit set, a W3C trace context follows it: trace id (16 bytes), span id (8), trace flags (1).
/// </summary>
internal static class FrameCodec
{
    public const int LengthPrefixSize = 4;

    /// <summary>The high bit of the kind byte: a trace context follows.</summary>
    private const byte TraceFlag = 0x80;

    /// <summary>Trace id, span id and trace flags.</summary>
    private const int TraceSize = 16 + 8 + 1;

    /// <summary>The largest header: kind, a trace context, three 10-byte varints and the port count.</summary>
    private const int MaxFixedHeader = 1 + TraceSize + (4 * 10);

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes one frame, length prefix included.</summary>
    public static void Write(IBufferWriter<byte> writer, Frame frame)
    {
        WriteHeader(writer, frame);
        if (!frame.Payload.IsEmpty)
        {
            writer.Write(frame.Payload.Span);
        }
    }

    /// <summary>Writes a frame's length prefix (which counts the payload) and header, not the payload itself.</summary>
    public static void WriteHeader(IBufferWriter<byte> writer, Frame frame)
    {
        int channelBytes = frame.Channel.Length == 0 ? 0 : Utf8.GetByteCount(frame.Channel);
        long[]? ports = frame.Ports;
        int portCount = ports?.Length ?? 0;
        int headerMax = LengthPrefixSize + MaxFixedHeader + channelBytes + (portCount * 10);
        Span<byte> span = writer.GetSpan(headerMax);
        int at = LengthPrefixSize;
        ActivityContext trace = frame.Trace;
        if (trace.TraceId == default)
        {
            span[at++] = (byte)frame.Kind;
        }
        else
        {
            span[at++] = (byte)((byte)frame.Kind | TraceFlag);
            trace.TraceId.CopyTo(span.Slice(at, 16));
            trace.SpanId.CopyTo(span.Slice(at + 16, 8));
            span[at + 24] = (byte)trace.TraceFlags;
            at += TraceSize;
        }

        at += WriteVarint(span.Slice(at), (ulong)frame.CallId);
        at += WriteVarint(span.Slice(at), (ulong)frame.PortId);
        at += WriteVarint(span.Slice(at), (ulong)channelBytes);
        if (channelBytes > 0)
        {
            at += GetBytes(frame.Channel, span.Slice(at, channelBytes));
        }

        at += WriteVarint(span.Slice(at), (ulong)portCount);
        for (int i = 0; i < portCount; i++)
        {
            at += WriteVarint(span.Slice(at), (ulong)ports![i]);
        }

        int length = at - LengthPrefixSize + frame.Payload.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)length);
        writer.Advance(at);
    }

    /// <summary>Reads one frame if <paramref name="buffer"/> holds a whole one.</summary>
    /// <returns><see langword="true"/> with the frame and the bytes it used; <see langword="false"/> when more bytes are needed.</returns>
    /// <exception cref="IpcProtocolException">The bytes are not a valid frame, or it is larger than <paramref name="maxFrameSize"/>.</exception>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, int maxFrameSize, out Frame? frame)
    {
        frame = null;
        if (!TryReadLength(buffer, out uint length))
        {
            return false;
        }

        if (length == 0 || length > (uint)maxFrameSize)
        {
            throw new IpcProtocolException($"a frame of {length} bytes (the limit is {maxFrameSize})");
        }

        if (buffer.Length < LengthPrefixSize + length)
        {
            return false;
        }

        ReadOnlySequence<byte> body = buffer.Slice(LengthPrefixSize, length);
        byte[] bytes = body.ToArray();
        frame = Parse(bytes);
        buffer = buffer.Slice(LengthPrefixSize + length);
        return true;
    }

    /// <summary>Reads the length prefix at the start of <paramref name="buffer"/>: the size of the frame's body after it.</summary>
    /// <returns><see langword="false"/> when fewer than four bytes are there.</returns>
    public static bool TryReadLength(in ReadOnlySequence<byte> buffer, out uint length)
    {
        length = 0;
        if (buffer.Length < LengthPrefixSize)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[LengthPrefixSize];
        buffer.Slice(0, LengthPrefixSize).CopyTo(prefix);
        length = BinaryPrimitives.ReadUInt32LittleEndian(prefix);
        return true;
    }

    /// <summary>Parses a frame's body (everything after the length prefix); the frame keeps <paramref name="bytes"/> as its payload's store.</summary>
    /// <exception cref="IpcProtocolException">The bytes are not a valid frame.</exception>
    public static Frame Parse(byte[] bytes)
    {
        ReadOnlySpan<byte> span = bytes;
        int at = 0;
        byte kindByte = span[at++];
        var kind = (FrameKind)(kindByte & ~TraceFlag);
        ActivityContext trace = default;
        if ((kindByte & TraceFlag) != 0)
        {
            if (span.Length - at < TraceSize)
            {
                throw new IpcProtocolException("a truncated trace context");
            }

            trace = new ActivityContext(
                ActivityTraceId.CreateFromBytes(span.Slice(at, 16)),
                ActivitySpanId.CreateFromBytes(span.Slice(at + 16, 8)),
                (ActivityTraceFlags)span[at + 24],
                isRemote: true);
            at += TraceSize;
        }

        long callId = (long)ReadVarint(span, ref at);
        long portId = (long)ReadVarint(span, ref at);
        ulong channelLength = ReadVarint(span, ref at);
        if (channelLength > (ulong)(span.Length - at))
        {
            throw new IpcProtocolException("a channel name longer than its frame");
        }

        string channel;
        try
        {
            channel = channelLength == 0 ? string.Empty : GetString(span.Slice(at, (int)channelLength));
        }
        catch (DecoderFallbackException ex)
        {
            throw new IpcProtocolException("a channel name that is not UTF-8", ex);
        }

        at += (int)channelLength;
        ulong portCount = ReadVarint(span, ref at);
        if (portCount > (ulong)(span.Length - at))
        {
            throw new IpcProtocolException("more ports than bytes in its frame");
        }

        long[]? ports = null;
        if (portCount > 0)
        {
            if (portCount % 3 != 0)
            {
                throw new IpcProtocolException("a port list that is not whole (id, partner, limit) triples");
            }

            ports = new long[portCount];
            for (ulong i = 0; i < portCount; i++)
            {
                ports[i] = (long)ReadVarint(span, ref at);
            }
        }

        return new Frame(kind, callId, channel, new ReadOnlyMemory<byte>(bytes, at, bytes.Length - at), ports, portId, trace);
    }

    internal static int WriteVarint(Span<byte> span, ulong value)
    {
        int i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        return i;
    }

    internal static ulong ReadVarint(ReadOnlySpan<byte> span, ref int at)
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (at >= span.Length)
            {
                throw new IpcProtocolException("a truncated frame header");
            }

            byte b = span[at++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new IpcProtocolException("a varint longer than 64 bits");
    }

#if NETSTANDARD2_0
    private static unsafe int GetBytes(string text, Span<byte> destination)
    {
        fixed (char* chars = text)
        fixed (byte* bytes = destination)
        {
            return Utf8.GetBytes(chars, text.Length, bytes, destination.Length);
        }
    }

    private static unsafe string GetString(ReadOnlySpan<byte> source)
    {
        fixed (byte* bytes = source)
        {
            return Utf8.GetString(bytes, source.Length);
        }
    }
#else
    private static int GetBytes(string text, Span<byte> destination) => Utf8.GetBytes(text, destination);

    private static string GetString(ReadOnlySpan<byte> source) => Utf8.GetString(source);
#endif
}
