using System;
using System.Collections.Generic;
using CsCheck;
using IpcBridge.Protocol;

namespace IpcBridge.Tests.Properties;

/// <summary>The wire's unsigned LEB128 varints against a plain reference encoder.</summary>
public class VarintProperties
{
    private const int Iterations = 5_000;

    private static readonly Gen<ulong> Value = Gen.Frequency(
        (2, Gen.ULong[0, 300]),
        (2, Gen.Int[0, 63].SelectMany(bits => Gen.ULong[0, (1UL << bits) - 1].Select(v => v | (1UL << bits)))),
        (1, Gen.ULong));

    [Fact]
    public void Varint_Written_MatchesTheReferenceEncodingAndReadsBack()
    {
        Value.Sample(
            value =>
            {
                byte[] expected = Reference(value);
                Span<byte> buffer = stackalloc byte[16];
                int written = FrameCodec.WriteVarint(buffer, value);

                buffer.Slice(0, written).ToArray().Should().Equal(expected);
                written.Should().BeInRange(1, 10);
                int at = 0;
                FrameCodec.TryReadVarint(buffer.Slice(0, written), ref at, out ulong read).Should().BeTrue();
                read.Should().Be(value);
                at.Should().Be(written);
            },
            iter: Iterations);
    }

    [Fact]
    public void Varint_CutShort_ReportsItIncompleteAndReadsNothing()
    {
        Gen.Select(Value.Where(v => v >= 0x80), Gen.Int[0, int.MaxValue]).Sample(
            (value, cut) =>
            {
                byte[] bytes = Reference(value);
                byte[] truncated = bytes.AsSpan(0, cut % bytes.Length).ToArray();
                int at = 0;

                // A reader of a stream may hold only the start of a varint: it waits for more, it does not fail.
                FrameCodec.TryReadVarint(truncated, ref at, out _).Should().BeFalse();
                at.Should().Be(0);
            },
            iter: Iterations);
    }

    [Fact]
    public void Varint_ArbitraryBytes_ReadAsTheReferenceDecoderDoesOrThrowProtocolException()
    {
        Gen.Byte.Array[0, 14].Sample(
            bytes =>
            {
                ulong? expected = ReferenceDecode(bytes, out int used);
                int at = 0;
                ulong actual;
                bool complete;
                try
                {
                    complete = FrameCodec.TryReadVarint(bytes, ref at, out actual);
                }
                catch (IpcProtocolException)
                {
                    expected.Should().BeNull("the reference decoder read {0} bytes of {1}", used, bytes.Length);
                    return;
                }

                if (!complete)
                {
                    expected.Should().BeNull("the bytes end inside the varint");
                    return;
                }

                expected.Should().Be(actual);
                at.Should().Be(used);
            },
            iter: Iterations);
    }

    /// <summary>LEB128 as the protocol document states it: seven bits a byte, least significant group first, high bit = more follows.</summary>
    private static byte[] Reference(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            byte group = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value == 0 ? group : (byte)(group | 0x80));
        }
        while (value != 0);

        return bytes.ToArray();
    }

    /// <summary>At most ten bytes; groups past bit 63 are dropped, as a 64-bit reader does. Null when the bytes end first or run past ten.</summary>
    private static ulong? ReferenceDecode(byte[] bytes, out int used)
    {
        ulong value = 0;
        for (used = 0; used < 10; used++)
        {
            if (used >= bytes.Length)
            {
                return null;
            }

            int shift = used * 7;
            value |= (ulong)(bytes[used] & 0x7F) << shift;
            if ((bytes[used] & 0x80) == 0)
            {
                used++;
                return value;
            }
        }

        return null;
    }
}
