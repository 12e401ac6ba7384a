using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Linq;
using System.Text;
using IpcBridge.Protocol;

namespace IpcBridge.Stress;

/// <summary>
/// Makes hostile frames. Valid frames of every kind come from the library's own encoder, so the layout is never written
/// here by hand; they are then broken field by field (through the encoder: kind, ids, channel, port triples, JSON) or
/// byte by byte (length prefix, varints, anything), or replaced by random bytes.
/// </summary>
public sealed class Mutator
{
    private static readonly FrameKind[] Kinds = Enum.GetValues<FrameKind>();
    private static readonly string[] Channels = { "echo", "fuzz", "fuzz:a", "denied", string.Empty, "ü€𝄞" };
    private static readonly string[] Payloads =
    {
        "[]", "[1,\"a\"]", "[null,{\"x\":[1,2,3]}]", "\"v\"", "42", "null",
        "{\"code\":0,\"message\":\"m\",\"type\":\"T\",\"stack\":\"s\"}", "{\"$bin\":0}", "{\"peer\":1,\"token\":\"t\",\"port\":1}",
    };

    private readonly Random random;

    public double NextDouble() => this.random.NextDouble();

    public int Next(int min, int max) => this.random.Next(min, max);

    public Mutator(int seed) => this.random = new Random(seed);

    /// <summary>A valid frame of any kind the protocol defines, with plausible fields.</summary>
    internal Frame Valid()
    {
        Random r = this.random;
        return new Frame(
            Kinds[r.Next(Kinds.Length)],
            r.Next(3) == 0 ? 0 : r.Next(1, 64),
            Channels[r.Next(Channels.Length)],
            Encoding.UTF8.GetBytes(Payloads[r.Next(Payloads.Length)]),
            ports: r.Next(6) == 0 ? Enumerable.Range(0, r.Next(1, 3)).Select(_ => new TransferredPort(r.Next(0, 1000), r.Next(0, 1000), r.Next(0, 1000))).ToArray() : null,
            portId: r.Next(3) == 0 ? r.Next(0, 1000) : 0,
            trace: r.Next(8) == 0 ? new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded) : default);
    }

    /// <summary>The bytes of one hostile frame (length prefix included) and what it was.</summary>
    /// <param name="wellFormed">Only frames the decoder accepts, broken in what they say rather than in their bytes, so the link lives on to the next one.</param>
    public (byte[] Bytes, string What) Next(bool wellFormed = false)
    {
        int choice = this.random.Next(wellFormed ? 55 : 100);
        if (choice < 15)
        {
            return (Encode(this.Valid()), "valid");
        }

        if (choice < 55)
        {
            (Frame frame, string what) = this.FieldMutation(this.Valid(), wellFormed);
            return (Encode(frame), what);
        }

        if (choice < 90)
        {
            return this.ByteMutation(Encode(this.Valid()));
        }

        byte[] noise = new byte[this.random.Next(1, 96)];
        this.random.NextBytes(noise);
        return (noise, "random bytes");
    }

    /// <summary>A handshake hello with its body or bytes broken.</summary>
    public byte[] HostileHello(string? token)
    {
        string[] bodies =
        {
            $"{{\"protocol\":{Handshake.ProtocolVersion},\"token\":\"{token}\",\"processId\":1}}",
            $"{{\"protocol\":{Handshake.ProtocolVersion + 1},\"token\":\"{token}\"}}",
            "{\"protocol\":\"x\"}", "[]", "null", "{", "{\"token\":{\"a\":1}}", $"{{\"protocol\":{Handshake.ProtocolVersion},\"token\":\"wrong\"}}",
        };
        byte[] body = Encoding.UTF8.GetBytes(bodies[this.random.Next(bodies.Length)]);
        if (this.random.Next(2) == 0)
        {
            body = this.Garble(body);
        }

        var frame = new Frame(this.random.Next(4) == 0 ? (FrameKind)this.random.Next(0, 128) : Handshake.Hello, 0, string.Empty, body);
        byte[] bytes = Encode(frame);
        return this.random.Next(3) == 0 ? this.ByteMutation(bytes).Bytes : bytes;
    }

    internal static byte[] Encode(Frame frame)
    {
        var writer = new ArrayBufferWriter<byte>();
        FrameCodec.Write(writer, frame);
        return writer.WrittenSpan.ToArray();
    }

    private (Frame Frame, string What) FieldMutation(Frame f, bool wellFormed)
    {
        Random r = this.random;
        switch (r.Next(9))
        {
            case 0:
                return (new Frame((FrameKind)r.Next(0, 128), f.CallId, f.Channel, f.Payload, f.Ports, f.PortId, f.Trace), "kind");
            case 1:
                return (new Frame(f.Kind, this.AnyId(), f.Channel, f.Payload, f.Ports, f.PortId, f.Trace), "call id");
            case 2:
                return (new Frame(f.Kind, f.CallId, f.Channel, f.Payload, f.Ports, this.AnyId(), f.Trace), "port id");
            case 3:
                string channel = r.Next(3) == 0 ? new string('c', r.Next(1, 70_000)) : string.Concat(Enumerable.Range(0, r.Next(1, 20)).Select(_ => (char)r.Next(0x20, 0xD7FF)));
                return (new Frame(f.Kind, f.CallId, channel, f.Payload, f.Ports, f.PortId, f.Trace), "channel");
            case 4:
                // Triples of ids nobody gave this peer (a port list that is not whole triples comes from the byte-level
                // mutations: the codec's port type cannot express one).
                TransferredPort[] ports = Enumerable.Range(0, r.Next(1, 4)).Select(_ => new TransferredPort(this.AnyId(), this.AnyId(), this.AnyId())).ToArray();
                return (new Frame(f.Kind, f.CallId, f.Channel, f.Payload, ports, f.PortId, f.Trace), "transfer triples");
            case 5:
                return (new Frame(f.Kind, f.CallId, f.Channel, this.Garble(f.Payload.ToArray()), f.Ports, f.PortId, f.Trace), "JSON bytes");
            case 6:
                string[] hostileJson =
                {
                    new string('[', 5000) + new string(']', 5000), "[1e999999]", "[\"\\ud800\"]", "{\"code\":\"x\"}", "[" + string.Join(",", Enumerable.Repeat("{}", 5000)) + "]",
                    "{\"$bin\":99}", "[{\"$bin\":-1}]", "\"" + new string('x', 100_000) + "\"", "[1,", "{\"a\":1,\"a\":2}",
                };
                return (new Frame(f.Kind, f.CallId, f.Channel, Encoding.UTF8.GetBytes(hostileJson[r.Next(hostileJson.Length)]), f.Ports, f.PortId, f.Trace), "hostile JSON");
            case 7:
                byte[] invalidUtf8 = { 0xC3, 0x28, 0xA0, 0xA1, 0xE2, 0x28, 0xA1, 0xF0, 0x90, 0x28, 0xBC, 0xFF };
                return (new Frame(f.Kind, f.CallId, f.Channel, invalidUtf8.AsSpan(0, r.Next(1, invalidUtf8.Length)).ToArray(), f.Ports, f.PortId, f.Trace), "invalid UTF-8 payload");
            default:
                return (new Frame(f.Kind, f.CallId, f.Channel, ReadOnlyMemory<byte>.Empty, f.Ports, f.PortId, f.Trace), "empty payload");
        }
    }

    private (byte[] Bytes, string What) ByteMutation(byte[] bytes)
    {
        Random r = this.random;
        switch (r.Next(6))
        {
            case 0:
                // The length prefix: zero, too small, too large, beyond the limit.
                uint[] lengths = { 0, 1, (uint)r.Next(0, bytes.Length), (uint)(bytes.Length + r.Next(1, 100)), uint.MaxValue, (uint)r.Next() };
                BinaryPrimitives.WriteUInt32LittleEndian(bytes, lengths[r.Next(lengths.Length)]);
                return (bytes, "length prefix");
            case 1:
                // An over-long varint where the header starts: continuation bits with no end.
                return (Splice(bytes, FrameCodec.LengthPrefixSize + 1, Enumerable.Repeat((byte)0xFF, r.Next(1, 12)).ToArray()), "varint");
            case 2:
                return (this.Garble(bytes), "flipped bytes");
            case 3:
                return (bytes.AsSpan(0, r.Next(FrameCodec.LengthPrefixSize, bytes.Length)).ToArray(), "truncated");
            case 4:
                byte[] extra = new byte[r.Next(1, 16)];
                r.NextBytes(extra);
                return (Splice(bytes, r.Next(FrameCodec.LengthPrefixSize, bytes.Length + 1), extra), "inserted bytes");
            default:
                bytes[FrameCodec.LengthPrefixSize] = (byte)r.Next(256);
                return (bytes, "kind byte");
        }
    }

    private static byte[] Splice(byte[] bytes, int at, byte[] insert)
    {
        at = Math.Min(at, bytes.Length);
        byte[] result = new byte[bytes.Length + insert.Length];
        bytes.AsSpan(0, at).CopyTo(result);
        insert.CopyTo(result, at);
        bytes.AsSpan(at).CopyTo(result.AsSpan(at + insert.Length));

        // The prefix still counts the body, so the parser reads into the inserted bytes.
        BinaryPrimitives.WriteUInt32LittleEndian(result, (uint)(result.Length - FrameCodec.LengthPrefixSize));
        return result;
    }

    private byte[] Garble(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return new[] { (byte)this.random.Next(256) };
        }

        byte[] copy = (byte[])bytes.Clone();
        for (int i = this.random.Next(1, 4); i > 0; i--)
        {
            copy[this.random.Next(copy.Length)] ^= (byte)(1 << this.random.Next(8));
        }

        return copy;
    }

    private long AnyId()
    {
        long[] ids = { 0, 1, 2, int.MaxValue, long.MaxValue, -1, long.MinValue, this.random.NextInt64() };
        return ids[this.random.Next(ids.Length)];
    }
}
