using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using CsCheck;
using IpcBridge.Protocol;

namespace IpcBridge.Tests.Properties;

/// <summary>Properties of the frame codec over generated frames and generated garbage.</summary>
public class FrameCodecProperties
{
    private const int Iterations = 2_000;

    [Fact]
    public void Frame_EncodedThenRead_GivesTheSameFrame()
    {
        FrameGen.Frame.Sample(
            frame =>
            {
                byte[] bytes = FrameGen.Encode(new[] { frame });
                (List<Frame> read, long rest) = FrameGen.ReadAll(new ReadOnlySequence<byte>(bytes));

                read.Should().ContainSingle();
                rest.Should().Be(0);
                FrameGen.ShouldEqual(read[0], frame);
            },
            iter: Iterations);
    }

    [Fact]
    public void Frames_EncodedBackToBackAndSplitAnywhere_AreReadWholeAndInOrder()
    {
        Gen<(Frame[], int[])> frames = Gen.Select(FrameGen.Frame.Array[1, 6], Gen.Int[0, int.MaxValue].Array[0, 8]);
        frames.Sample(
            (sent, cuts) =>
            {
                byte[] bytes = FrameGen.Encode(sent);
                (List<Frame> read, long rest) = FrameGen.ReadAll(FrameGen.Chunked(bytes, cuts));

                rest.Should().Be(0);
                read.Should().HaveCount(sent.Length);
                for (int i = 0; i < sent.Length; i++)
                {
                    FrameGen.ShouldEqual(read[i], sent[i]);
                }
            },
            iter: Iterations / 2);
    }

    [Fact]
    public void Frame_AnyStrictPrefixOfItsBytes_AsksForMoreInsteadOfFailing()
    {
        Gen.Select(FrameGen.Frame, Gen.Int[0, int.MaxValue]).Sample(
            (frame, cut) =>
            {
                byte[] bytes = FrameGen.Encode(new[] { frame });
                var prefix = new ReadOnlySequence<byte>(bytes, 0, cut % bytes.Length);

                FrameCodec.TryRead(ref prefix, FrameGen.MaxFrameSize, out Frame? read).Should().BeFalse();
                read.Should().BeNull();
            },
            iter: Iterations);
    }

    [Fact]
    public void ArbitraryBytes_ReadAsFrames_YieldFramesOrThrowProtocolExceptionOnly()
    {
        Gen<byte[]> garbage = Gen.Frequency(
            (3, Gen.Byte.Array[0, 300]),

            // A plausible length prefix in front of random bytes, so the parser gets past the length check.
            (3, Gen.Byte.Array[1, 120].Select(body => Prefixed(body))),

            // Valid frames with bytes flipped, dropped or inserted.
            (4, Gen.Select(FrameGen.Frame.Array[1, 3], Mutation.Array[1, 4]).Select((frames, mutations) => Mutate(FrameGen.Encode(frames), mutations))));
        garbage.Sample(
            bytes =>
            {
                try
                {
                    FrameGen.ReadAll(new ReadOnlySequence<byte>(bytes));
                }
                catch (IpcProtocolException)
                {
                    // The one allowed failure.
                }
            },
            iter: Iterations * 5);
    }

    [Fact]
    public void ArbitraryFrameBody_Parsed_YieldsAFrameOrThrowsProtocolExceptionOnly()
    {
        Gen.Byte.Array[1, 200].Sample(
            body =>
            {
                try
                {
                    Frame frame = FrameCodec.Parse(body);
                    frame.Payload.Length.Should().BeLessThanOrEqualTo(body.Length);
                }
                catch (IpcProtocolException)
                {
                    // The one allowed failure.
                }
            },
            iter: Iterations * 5);
    }

    [Fact]
    public void Frame_LargerThanTheLimit_ThrowsProtocolExceptionBeforeItArrives()
    {
        Gen.Select(FrameGen.Frame, Gen.Int[1, 64]).Sample(
            (frame, limit) =>
            {
                byte[] bytes = FrameGen.Encode(new[] { frame });
                int body = bytes.Length - FrameCodec.LengthPrefixSize;
                if (body <= limit)
                {
                    return;
                }

                // Only the prefix has arrived: the size alone condemns the frame.
                var prefix = new ReadOnlySequence<byte>(bytes, 0, FrameCodec.LengthPrefixSize);
                Action read = () => FrameCodec.TryRead(ref prefix, limit, out _);
                read.Should().Throw<IpcProtocolException>();
            },
            iter: Iterations);
    }

    private static readonly Gen<(int Kind, int At, byte Value)> Mutation = Gen.Select(Gen.Int[0, 2], Gen.Int[0, int.MaxValue], Gen.Byte);

    private static byte[] Prefixed(byte[] body)
    {
        byte[] bytes = new byte[FrameCodec.LengthPrefixSize + body.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)body.Length);
        body.CopyTo(bytes, FrameCodec.LengthPrefixSize);
        return bytes;
    }

    private static byte[] Mutate(byte[] bytes, (int Kind, int At, byte Value)[] mutations)
    {
        List<byte> list = bytes.ToList();
        foreach ((int kind, int at, byte value) in mutations)
        {
            int i = at % (list.Count + 1);
            switch (kind)
            {
                case 0 when i < list.Count:
                    list[i] = value;
                    break;
                case 1 when i < list.Count:
                    list.RemoveAt(i);
                    break;
                default:
                    list.Insert(i, value);
                    break;
            }
        }

        return list.ToArray();
    }
}
