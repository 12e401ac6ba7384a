using System;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace IpcBridge.Benchmarks.Processes;

/// <summary>A Unix domain socket in a fresh private temporary directory that accepts one child's connection.</summary>
public sealed class LocalSocketListener : IDisposable
{
    private static readonly TimeSpan AcceptTimeout = TimeSpan.FromSeconds(30);

    private readonly Socket socket;
    private readonly string directory;

    private LocalSocketListener(Socket socket, string directory, string path)
    {
        this.socket = socket;
        this.directory = directory;
        this.Path = path;
    }

    public string Path { get; }

    public static LocalSocketListener Create()
    {
        DirectoryInfo directory = Directory.CreateTempSubdirectory("ipcbridge-bench-");
        string path = System.IO.Path.Combine(directory.FullName, "floor.sock");
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            socket.Listen(1);
        }
        catch
        {
            socket.Dispose();
            directory.Delete(recursive: true);
            throw;
        }

        return new LocalSocketListener(socket, directory.FullName, path);
    }

    /// <summary>Waits for <paramref name="child"/> to connect.</summary>
    /// <exception cref="InvalidOperationException">The child exited first, or did not connect in time.</exception>
    public async Task<Socket> AcceptAsync(ChildProcess child, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(child);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(AcceptTimeout);
        Task<Socket> accepting = this.socket.AcceptAsync(timeout.Token).AsTask();
        Task exited = child.Process.WaitForExitAsync(timeout.Token);
        if (await Task.WhenAny(accepting, exited) == accepting && accepting.IsCompletedSuccessfully)
        {
            Socket accepted = await accepting;
            return accepted;
        }

        cancellationToken.ThrowIfCancellationRequested();
        throw new InvalidOperationException(child.Process.HasExited
            ? $"The {child} exited with code {child.Process.ExitCode} before it connected."
            : $"The {child} did not connect within {AcceptTimeout.TotalSeconds:0} s.");
    }

    public void Dispose()
    {
        this.socket.Dispose();
        try
        {
            Directory.Delete(this.directory, recursive: true);
        }
        catch (IOException)
        {
            // Still busy; the OS cleans its temporary directory later.
        }
    }
}
