using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using IpcBridge.Serialization;

namespace IpcBridge.Protocol;

/// <summary>
/// The binary frame layout on a stream (docs/protocol.md):
/// <c>length:u32le | kind:u8 | [trace:25] | callId:varint | portId:varint | channelLength:varint | channel:utf8 | portCount:varint | ports:varint*
/// | binaryCount:varint | binaryLengths:varint* | json | segments</c>, where <c>length</c> counts every byte after itself.
/// Varints are unsigned LEB128 (7 bits a byte, low first). When the kind byte has its high bit set, a W3C trace context
/// follows it: trace id (16 bytes), span id (8), trace flags (1). The binary segments of a payload
/// (<see cref="BinaryPayload"/>) follow its JSON back to back; a payload without any has a binary count of 0.
/// </summary>
internal static class FrameCodec
{
    public const int LengthPrefixSize = 4;

    /// <summary>The high bit of the kind byte: a trace context follows.</summary>
    private const byte TraceFlag = 0x80;

    /// <summary>Trace id, span id and trace flags.</summary>
    private const int TraceSize = 16 + 8 + 1;

    /// <summary>The largest header: kind, a trace context, three 10-byte varints, the port count and the binary count.</summary>
    private const int MaxFixedHeader = 1 + TraceSize + (5 * 10);

    /// <summary>The most bytes one transferred port takes: three 10-byte varints.</summary>
    private const int PortTripleMax = 3 * 10;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes one frame, length prefix included.</summary>
    public static void Write(IBufferWriter<byte> writer, Frame frame)
    {
        BinaryPayload? binary = WriteHeader(writer, frame);
        if (!frame.Payload.IsEmpty)
        {
            writer.Write(frame.Payload.Span);
        }

        for (int i = 0; i < (binary?.Count ?? 0); i++)
        {
            writer.Write(binary!.Segment(i).Span);
        }
    }

    /// <summary>Writes a frame's length prefix (which counts the payload and its segments) and header, the binary segments' lengths included, but not the payload itself.</summary>
    /// <returns>The payload's binary segments, which follow its JSON; <see langword="null"/> when it has none.</returns>
    public static BinaryPayload? WriteHeader(IBufferWriter<byte> writer, Frame frame)
    {
        int channelBytes = frame.Channel.Length == 0 ? 0 : Utf8.GetByteCount(frame.Channel);
        TransferredPort[]? ports = frame.Ports;
        int portCount = ports?.Length ?? 0;
        BinaryPayload? binary = BinaryPayload.Of(frame.Payload);
        int binaryCount = binary?.Count ?? 0;
        int headerMax = LengthPrefixSize + MaxFixedHeader + channelBytes + (portCount * PortTripleMax) + (binaryCount * 10);
        Span<byte> span = writer.GetSpan(headerMax);
        int at = LengthPrefixSize + WriteKindAndTrace(span.Slice(LengthPrefixSize), frame);
        at += WriteVarint(span.Slice(at), (ulong)frame.CallId);
        at += WriteVarint(span.Slice(at), (ulong)frame.PortId);
        at += WriteVarint(span.Slice(at), (ulong)channelBytes);
        if (channelBytes > 0)
        {
            at += GetBytes(frame.Channel, span.Slice(at, channelBytes));
        }

        at += WritePorts(span.Slice(at), ports);

        at += WriteSegmentLengths(span.Slice(at), binary, out long segments);

        // The serializer refuses payloads of 2 GiB or more (PayloadSerializer), so this fits the u32.
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)(at - LengthPrefixSize + frame.Payload.Length + segments));
        writer.Advance(at);
        return binary;
    }

    /// <summary>Writes the kind byte, flagged and followed by the W3C trace context when the frame carries one.</summary>
    /// <returns>The bytes written.</returns>
    private static int WriteKindAndTrace(Span<byte> span, Frame frame)
    {
        ActivityContext trace = frame.Trace;
        if (trace.TraceId == default)
        {
            span[0] = (byte)frame.Kind;
            return 1;
        }

        span[0] = (byte)((byte)frame.Kind | TraceFlag);
        trace.TraceId.CopyTo(span.Slice(1, 16));
        trace.SpanId.CopyTo(span.Slice(17, 8));
        span[25] = (byte)trace.TraceFlags;
        return 1 + TraceSize;
    }

    /// <summary>Writes the binary segment count and each segment's length; <paramref name="total"/> is their sum.</summary>
    /// <returns>The bytes written.</returns>
    private static int WriteSegmentLengths(Span<byte> span, BinaryPayload? binary, out long total)
    {
        int count = binary?.Count ?? 0;
        int at = WriteVarint(span, (ulong)count);
        total = 0;
        for (int i = 0; i < count; i++)
        {
            int segment = binary!.Segment(i).Length;
            at += WriteVarint(span.Slice(at), (ulong)segment);
            total += segment;
        }

        return at;
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
        if (!TryParseHeader(bytes, bytes.Length, out FrameHeader header))
        {
            throw new IpcProtocolException("a truncated frame header");
        }

        int at = header.Size;
        int jsonLength = bytes.Length - at - (int)header.SegmentBytes;
        var json = new ReadOnlyMemory<byte>(bytes, at, jsonLength);
        int[]? lengths = header.SegmentLengths;
        if (lengths is null)
        {
            return header.ToFrame(json);
        }

        // The segments stay in the frame's array, so they are not a sole reader's to take.
        var segments = new ReadOnlyMemory<byte>[lengths.Length];
        at += jsonLength;
        for (int i = 0; i < lengths.Length; i++)
        {
            segments[i] = new ReadOnlyMemory<byte>(bytes, at, lengths[i]);
            at += lengths[i];
        }

        return header.ToFrame(new BinaryPayload(new ArraySegment<byte>(bytes, header.Size, jsonLength), segments, segmentsOwned: false).Memory);
    }

    /// <summary>
    /// Parses the header at the start of a frame's body of <paramref name="bodyLength"/> bytes, of which
    /// <paramref name="span"/> holds the first ones (perhaps not all).
    /// </summary>
    /// <returns><see langword="false"/> when <paramref name="span"/> ends before the header does.</returns>
    /// <exception cref="IpcProtocolException">The header is not valid, or announces more than <paramref name="bodyLength"/> bytes.</exception>
    public static bool TryParseHeader(ReadOnlySpan<byte> span, int bodyLength, out FrameHeader header)
    {
        header = default;
        if (span.Length > bodyLength)
        {
            span = span.Slice(0, bodyLength);
        }

        int at = 0;
        if (span.IsEmpty)
        {
            return false;
        }

        byte kindByte = span[at++];
        if (!TryReadTrace(span, bodyLength, kindByte, ref at, out ActivityContext trace)
            || !TryReadVarint(span, ref at, out ulong callId)
            || !TryReadVarint(span, ref at, out ulong portId)
            || !TryReadChannel(span, bodyLength, ref at, out string channel))
        {
            return false;
        }

        if (!TryReadPorts(span, bodyLength, ref at, out TransferredPort[]? ports) || !TryReadSegmentLengths(span, bodyLength, ref at, out int[]? lengths, out long segmentBytes))
        {
            return false;
        }

        header = new FrameHeader((FrameKind)(kindByte & ~TraceFlag), (long)callId, (long)portId, channel, ports, trace, lengths, segmentBytes, at);
        return true;
    }

    /// <summary>Reads the W3C trace context that follows the kind byte when its flag is set.</summary>
    /// <returns><see langword="false"/> when <paramref name="span"/> ends before the context does.</returns>
    private static bool TryReadTrace(ReadOnlySpan<byte> span, int bodyLength, byte kindByte, ref int at, out ActivityContext trace)
    {
        trace = default;
        if ((kindByte & TraceFlag) == 0)
        {
            return true;
        }

        if (span.Length - at < TraceSize)
        {
            return bodyLength - at >= TraceSize ? false : throw new IpcProtocolException("a truncated trace context");
        }

        trace = new ActivityContext(
            ActivityTraceId.CreateFromBytes(span.Slice(at, 16)),
            ActivitySpanId.CreateFromBytes(span.Slice(at + 16, 8)),
            (ActivityTraceFlags)span[at + 24],
            isRemote: true);
        at += TraceSize;
        return true;
    }

    /// <summary>Reads the channel name's length and UTF-8 bytes.</summary>
    /// <returns><see langword="false"/> when <paramref name="span"/> ends before the name does.</returns>
    private static bool TryReadChannel(ReadOnlySpan<byte> span, int bodyLength, ref int at, out string channel)
    {
        channel = string.Empty;
        if (!TryReadVarint(span, ref at, out ulong channelLength))
        {
            return false;
        }

        if (channelLength > (ulong)(bodyLength - at))
        {
            throw new IpcProtocolException("a channel name longer than its frame");
        }

        if (channelLength > (ulong)(span.Length - at))
        {
            return false;
        }

        try
        {
            channel = channelLength == 0 ? string.Empty : ChannelNames.Get(span.Slice(at, (int)channelLength));
        }
        catch (DecoderFallbackException ex)
        {
            throw new IpcProtocolException("a channel name that is not UTF-8", ex);
        }

        at += (int)channelLength;
        return true;
    }

    /// <summary>Writes the port count (of varints, three per port) and each port's (id, partner id, limit) triple.</summary>
    private static int WritePorts(Span<byte> span, TransferredPort[]? ports)
    {
        int at = WriteVarint(span, (ulong)(ports?.Length ?? 0) * 3);
        if (ports is not null)
        {
            foreach (TransferredPort port in ports)
            {
                at += WriteVarint(span.Slice(at), (ulong)port.Id);
                at += WriteVarint(span.Slice(at), (ulong)port.PartnerId);
                at += WriteVarint(span.Slice(at), (ulong)port.EncodedLimit);
            }
        }

        return at;
    }

    /// <summary>Reads the port count and that many varints as (id, partner id, limit) triples.</summary>
    private static bool TryReadPorts(ReadOnlySpan<byte> span, int bodyLength, ref int at, out TransferredPort[]? ports)
    {
        ports = null;
        if (!TryReadVarint(span, ref at, out ulong portCount))
        {
            return false;
        }

        if (portCount > (ulong)(bodyLength - at))
        {
            throw new IpcProtocolException("more ports than bytes in its frame");
        }

        if (portCount == 0)
        {
            return true;
        }

        if (portCount % 3 != 0)
        {
            throw new IpcProtocolException("a port list that is not whole (id, partner, limit) triples");
        }

        var list = new TransferredPort[portCount / 3];
        for (int i = 0; i < list.Length; i++)
        {
            if (!TryReadVarint(span, ref at, out ulong id) || !TryReadVarint(span, ref at, out ulong partnerId) || !TryReadVarint(span, ref at, out ulong limit))
            {
                return false;
            }

            list[i] = new TransferredPort((long)id, (long)partnerId, (long)limit);
        }

        ports = list;
        return true;
    }

    /// <summary>Reads the binary count and the segments' lengths, and checks that the segments fit in what follows the header.</summary>
    private static bool TryReadSegmentLengths(ReadOnlySpan<byte> span, int bodyLength, ref int at, out int[]? lengths, out long total)
    {
        lengths = null;
        total = 0;
        if (!TryReadVarint(span, ref at, out ulong count))
        {
            return false;
        }

        if (count > (ulong)(bodyLength - at))
        {
            throw new IpcProtocolException("more binary segments than bytes in its frame");
        }

        if (count == 0)
        {
            return true;
        }

        var list = new int[count];
        for (ulong i = 0; i < count; i++)
        {
            if (!TryReadVarint(span, ref at, out ulong length))
            {
                return false;
            }

            total += length <= (ulong)bodyLength ? (long)length : throw new IpcProtocolException("binary segments longer than their frame");
            list[i] = (int)length;
        }

        if (total > bodyLength - at)
        {
            throw new IpcProtocolException("binary segments longer than their frame");
        }

        lengths = list;
        return true;
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

    /// <returns><see langword="false"/> when <paramref name="span"/> ends inside the varint.</returns>
    internal static bool TryReadVarint(ReadOnlySpan<byte> span, ref int at, out ulong value)
    {
        value = 0;
        int from = at;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (from >= span.Length)
            {
                return false;
            }

            byte b = span[from++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                at = from;
                return true;
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
#else
    private static int GetBytes(string text, Span<byte> destination) => Utf8.GetBytes(text, destination);
#endif
}

/// <summary>The fields of a frame before its payload, and where the payload begins.</summary>
internal readonly struct FrameHeader
{
    public FrameHeader(FrameKind kind, long callId, long portId, string channel, TransferredPort[]? ports, ActivityContext trace, int[]? segmentLengths, long segmentBytes, int size)
    {
        this.Kind = kind;
        this.CallId = callId;
        this.PortId = portId;
        this.Channel = channel;
        this.Ports = ports;
        this.Trace = trace;
        this.SegmentLengths = segmentLengths;
        this.SegmentBytes = segmentBytes;
        this.Size = size;
    }

    public FrameKind Kind { get; }

    public long CallId { get; }

    public long PortId { get; }

    public string Channel { get; }

    public TransferredPort[]? Ports { get; }

    public ActivityContext Trace { get; }

    /// <summary>Gets the binary segments' lengths, in order, or <see langword="null"/> when the frame has none.</summary>
    public int[]? SegmentLengths { get; }

    /// <summary>Gets the binary segments' lengths summed.</summary>
    public long SegmentBytes { get; }

    /// <summary>Gets the header's size: the offset of the JSON payload in the frame's body.</summary>
    public int Size { get; }

    public Frame ToFrame(ReadOnlyMemory<byte> payload) => new(this.Kind, this.CallId, this.Channel, payload, this.Ports, this.PortId, this.Trace);
}
