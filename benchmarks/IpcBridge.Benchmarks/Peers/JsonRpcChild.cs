using System.Net.Sockets;
using System.Threading.Tasks;
using StreamJsonRpc;

namespace IpcBridge.Benchmarks.Peers;

/// <summary>The child side of <see cref="JsonRpcPeer.StartChildAsync"/>: serves an <see cref="EchoService"/> until the socket closes.</summary>
public static class JsonRpcChild
{
    public static async Task<int> RunAsync(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
        using JsonRpc server = JsonRpc.Attach(new NetworkStream(socket, ownsSocket: true), new EchoService());
        try
        {
            await server.Completion;
        }
        catch (ConnectionLostException)
        {
            // The benchmark closed the socket: the normal end.
        }

        return 0;
    }
}
