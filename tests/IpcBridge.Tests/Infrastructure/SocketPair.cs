using System;
using System.IO;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace IpcBridge.Tests.Infrastructure;

/// <summary>Two ends of a real Unix domain socket, for running the stream transport inside one test process.</summary>
public static class SocketPair
{
    public static async Task<(Stream Main, Stream Renderer)> CreateAsync()
    {
        string directory = Directory.CreateTempSubdirectory("ipcbridge-test-").FullName;
        string path = Path.Combine(directory, "s");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        Task connecting = client.ConnectAsync(new UnixDomainSocketEndPoint(path));
        Socket server = await listener.AcceptAsync().WaitAsync(Signal.Timeout);
        await connecting.WaitAsync(Signal.Timeout);
        Directory.Delete(directory, recursive: true);
        return (new NetworkStream(server, ownsSocket: true), new NetworkStream(client, ownsSocket: true));
    }
}
