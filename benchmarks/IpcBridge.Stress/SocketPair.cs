using System.IO;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace IpcBridge.Stress;

/// <summary>Two ends of a Unix domain socket in this process: main's end and a peer's.</summary>
public static class SocketPair
{
    public static async Task<(Stream Main, Stream Peer)> CreateAsync()
    {
        string directory = Directory.CreateTempSubdirectory("ipcbridge-stress-").FullName;
        try
        {
            string path = Path.Combine(directory, "s");
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            listener.Listen(1);
            var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            Task connecting = client.ConnectAsync(new UnixDomainSocketEndPoint(path));
            Socket server = await listener.AcceptAsync();
            await connecting;
            return (new NetworkStream(server, ownsSocket: true), new NetworkStream(client, ownsSocket: true));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
