#if NET8_0_OR_GREATER
using System;
using System.IO;
using System.IO.Pipes;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace IpcBridge.Transport;

/// <summary>
/// Where a launched child connects: a Unix domain socket in a private (0700) temporary directory, itself 0600, or on
/// Windows a named pipe only the current user can open. The address travels to the child in its environment.
/// </summary>
internal static class ChildAddress
{
    private const string UnixPrefix = "unix:";
    private const string PipePrefix = "pipe:";

    public static ChildListener Listen()
    {
        if (OperatingSystem.IsWindows())
        {
            string name = "ipcbridge-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
            var server = new NamedPipeServerStream(name, PipeDirection.InOut, 1, PipeTransmissionMode.Byte, PipeOptions.Asynchronous | PipeOptions.CurrentUserOnly);
            return new ChildListener(PipePrefix + name, server, null, null);
        }

        DirectoryInfo directory = Directory.CreateTempSubdirectory("ipcbridge-");
        string path = Path.Combine(directory.FullName, "link.sock");
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            socket.Listen(1);
        }
        catch
        {
            socket.Dispose();
            directory.Delete(recursive: true);
            throw;
        }

        return new ChildListener(UnixPrefix + path, null, socket, directory.FullName);
    }

    public static async Task<Stream> ConnectAsync(string address, CancellationToken cancellationToken)
    {
        if (address.StartsWith(PipePrefix, StringComparison.Ordinal))
        {
            var client = new NamedPipeClientStream(".", address.Substring(PipePrefix.Length), PipeDirection.InOut, PipeOptions.Asynchronous | PipeOptions.CurrentUserOnly);
            try
            {
                await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
                return client;
            }
            catch
            {
                await client.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        if (address.StartsWith(UnixPrefix, StringComparison.Ordinal))
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(address.Substring(UnixPrefix.Length)), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw new ArgumentException($"'{address}' is not an IpcBridge address (unix:... or pipe:...).", nameof(address));
    }
}

/// <summary>A listening address that accepts one child, then is torn down.</summary>
internal sealed class ChildListener : IAsyncDisposable
{
    private readonly NamedPipeServerStream? pipe;
    private readonly Socket? socket;
    private readonly string? directory;
    private bool handedOver;

    public ChildListener(string address, NamedPipeServerStream? pipe, Socket? socket, string? directory)
    {
        this.Address = address;
        this.pipe = pipe;
        this.socket = socket;
        this.directory = directory;
    }

    public string Address { get; }

    public async Task<Stream> AcceptAsync(CancellationToken cancellationToken)
    {
        if (this.pipe is not null)
        {
            await this.pipe.WaitForConnectionAsync(cancellationToken).ConfigureAwait(false);
            this.handedOver = true;
            return this.pipe;
        }

        Socket accepted = await this.socket!.AcceptAsync(cancellationToken).ConfigureAwait(false);
        return new NetworkStream(accepted, ownsSocket: true);
    }

    public async ValueTask DisposeAsync()
    {
        if (this.pipe is not null && !this.handedOver)
        {
            await this.pipe.DisposeAsync().ConfigureAwait(false);
        }

        this.socket?.Dispose();
        if (this.directory is not null)
        {
            try
            {
                Directory.Delete(this.directory, recursive: true);
            }
            catch (IOException)
            {
                // Already gone, or busy on a platform that locks open sockets: the OS cleans temp later.
            }
        }
    }
}
#endif
