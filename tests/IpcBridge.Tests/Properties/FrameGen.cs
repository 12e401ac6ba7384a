using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using CsCheck;
using IpcBridge.Protocol;

namespace IpcBridge.Tests.Properties;

/// <summary>
/// Generators for frames and their bytes. Frames are encoded and decoded only through <see cref="FrameCodec"/>, never
/// by hand, so the properties follow the wire layout when it changes.
/// </summary>
internal static class FrameGen
{
    /// <summary>The frame-size limit the properties read with: large enough for any generated frame.</summary>
    public const int MaxFrameSize = 1 << 20;

    /// <summary>Any kind byte without the trace bit: the defined kinds, the handshake kinds, and unknown ones.</summary>
    public static readonly Gen<FrameKind> Kind = Gen.OneOf(
        Gen.Enum<FrameKind>(),
        Gen.OneOf(Gen.Const(Handshake.Hello), Gen.Const(Handshake.Welcome), Gen.Const(Handshake.Refused)),
        Gen.Byte[0, 0x7F].Select(b => (FrameKind)b));

    /// <summary>Ids anywhere in the 64-bit range, weighted towards the small ones real links use.</summary>
    public static readonly Gen<long> Id = Gen.Frequency(
        (4, Gen.Long[0, 300]),
        (2, Gen.Long[0, long.MaxValue]),
        (1, Gen.Long));

    /// <summary>Channel names of any Unicode scalar values, astral planes included; no lone surrogates (not UTF-8).</summary>
    public static readonly Gen<string> Channel = Gen.Frequency(
        (1, Gen.Const(string.Empty)),
        (3, Gen.String[Gen.Char.AlphaNumeric, 1, 24]),
        (2, Gen.Int[0, 0x10FFFF].Where(c => c is < 0xD800 or > 0xDFFF).Array[0, 12]
            .Select(cs => string.Concat(cs.Select(char.ConvertFromUtf32)))));

    /// <summary>Null, or whole (id, partner, limit) triples.</summary>
    public static readonly Gen<TransferredPort[]?> Ports = Gen.Frequency(
        (3, Gen.Const((TransferredPort[]?)null)),
        (2, Gen.Int[1, 4].SelectMany(n => Gen.Select(Id, Id, Id, (id, partner, limit) => new TransferredPort(id, partner, limit)).Array[n].Select(a => (TransferredPort[]?)a))));

    public static readonly Gen<byte[]> Payload = Gen.Frequency(
        (1, Gen.Const(Array.Empty<byte>())),
        (3, Gen.Byte.Array[1, 200]),
        (2, Gen.String[Gen.Char.AlphaNumeric, 0, 40].Select(s => Encoding.UTF8.GetBytes($"[\"{s}\",1,{{\"a\":null}}]"))));

    public static readonly Gen<ActivityContext> Trace = Gen.Frequency(
        (3, Gen.Const(default(ActivityContext))),
        (1, Gen.Select(Gen.Byte.Array[16], Gen.Byte.Array[8], Gen.Byte, (t, s, f) =>
        {
            t[0] |= 1; // An all-zero trace id means "no trace" on the wire.
            return new ActivityContext(ActivityTraceId.CreateFromBytes(t), ActivitySpanId.CreateFromBytes(s), (ActivityTraceFlags)f, isRemote: true);
        })));

    public static readonly Gen<Frame> Frame = Gen.Select(Kind, Id, Id, Channel, Ports, Payload, Trace, (kind, callId, portId, channel, ports, payload, trace)
        => new Frame(kind, callId, channel, payload, ports: ports, portId: portId, trace: trace));

    /// <summary>Encodes <paramref name="frames"/> back to back, length prefixes included.</summary>
    public static byte[] Encode(IEnumerable<Frame> frames)
    {
        var writer = new ArrayBufferWriter<byte>();
        foreach (Frame frame in frames)
        {
            FrameCodec.Write(writer, frame);
        }

        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Reads every whole frame in <paramref name="buffer"/>; returns them and how many bytes were left over.</summary>
    public static (List<Frame> Frames, long Left) ReadAll(ReadOnlySequence<byte> buffer)
    {
        var frames = new List<Frame>();
        while (FrameCodec.TryRead(ref buffer, MaxFrameSize, out Frame? frame))
        {
            frames.Add(frame!);
        }

        return (frames, buffer.Length);
    }

    /// <summary>Splits <paramref name="bytes"/> into a multi-segment sequence at <paramref name="cuts"/>, as a pipe hands over what arrived in pieces.</summary>
    public static ReadOnlySequence<byte> Chunked(byte[] bytes, IEnumerable<int> cuts)
    {
        int[] at = cuts.Select(c => bytes.Length == 0 ? 0 : c % (bytes.Length + 1)).Append(0).Append(bytes.Length).Distinct().Order().ToArray();
        if (at.Length <= 2)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        var first = new Segment(bytes.AsMemory(at[0], at[1] - at[0]), 0);
        Segment last = first;
        for (int i = 1; i < at.Length - 1; i++)
        {
            last = last.Append(bytes.AsMemory(at[i], at[i + 1] - at[i]));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Asserts that <paramref name="actual"/> carries everything <paramref name="expected"/> was written with.</summary>
    public static void ShouldEqual(Frame actual, Frame expected)
    {
        actual.Kind.Should().Be(expected.Kind);
        actual.CallId.Should().Be(expected.CallId);
        actual.PortId.Should().Be(expected.PortId);
        actual.Channel.Should().Be(expected.Channel);
        actual.Payload.ToArray().Should().Equal(expected.Payload.ToArray());
        (actual.Ports ?? Array.Empty<TransferredPort>()).Should().Equal(expected.Ports ?? Array.Empty<TransferredPort>());
        actual.Trace.TraceId.Should().Be(expected.Trace.TraceId);
        actual.Trace.SpanId.Should().Be(expected.Trace.SpanId);
        actual.Trace.TraceFlags.Should().Be(expected.Trace.TraceFlags);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            this.Memory = memory;
            this.RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, this.RunningIndex + this.Memory.Length);
            this.Next = next;
            return next;
        }
    }
}
