using System;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace IpcBridge.Benchmarks.Floors;

/// <summary>
/// The child side of <see cref="SocketFloor"/>: reads frames into one buffer, writes back those of kind
/// <see cref="SocketFrames.Echo"/>, drops the rest, and exits when the socket closes. It uses async socket calls, or
/// with <see cref="BlockingOption"/> plain blocking ones on its one thread.
/// </summary>
public static class SocketEchoChild
{
    public const string BlockingOption = "--blocking";

    public static async Task<int> RunAsync(string path, bool blocking)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
        byte[] buffer = new byte[64 * 1024];
        int filled = 0;
        while (true)
        {
            int n = blocking ? socket.Receive(buffer.AsSpan(filled), SocketFlags.None) : await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None);
            if (n == 0)
            {
                return 0;
            }

            filled += n;
            int at = 0;
            while (filled - at >= SocketFrames.PrefixSize)
            {
                int size = SocketFrames.PrefixSize + (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(at));
                if (filled - at < size)
                {
                    if (size > buffer.Length)
                    {
                        // A frame larger than the buffer: grow it to hold the frame whole, as a receiver of messages must.
                        byte[] larger = new byte[size];
                        buffer.AsSpan(at, filled - at).CopyTo(larger);
                        buffer = larger;
                        filled -= at;
                        at = 0;
                    }

                    break;
                }

                if (buffer[at + SocketFrames.PrefixSize] == SocketFrames.Echo)
                {
                    ReadOnlyMemory<byte> frame = buffer.AsMemory(at, size);
                    while (!frame.IsEmpty)
                    {
                        frame = frame.Slice(blocking ? socket.Send(frame.Span, SocketFlags.None) : await socket.SendAsync(frame, SocketFlags.None));
                    }
                }

                at += size;
            }

            if (at > 0)
            {
                buffer.AsSpan(at, filled - at).CopyTo(buffer);
                filled -= at;
            }
        }
    }
}
