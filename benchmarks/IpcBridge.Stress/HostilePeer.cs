using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Protocol;
using IpcBridge.Transport;

namespace IpcBridge.Stress;

/// <summary>
/// A peer that speaks the handshake properly and then writes whatever bytes it likes. It reads and discards what main
/// sends, so main's writes never back up behind it.
/// </summary>
public sealed class HostilePeer : IAsyncDisposable
{
    private readonly Stream stream;
    private readonly Task draining;

    private HostilePeer(Stream stream)
    {
        this.stream = stream;
        this.draining = Task.Run(this.DrainAsync);
    }

    /// <summary>Completes the handshake as a well-behaved endpoint would, through the library's own handshake code.</summary>
    public static async Task<HostilePeer> ConnectAsync(Stream stream, string? token, CancellationToken cancellationToken)
    {
        // The framed stream leaves the socket open when its pipes complete: from here on the peer writes raw bytes.
        var framed = new FramedStream(stream, FrameGen.MaxFrameSize);
        await Handshake.ConnectAsync(framed, token, Environment.ProcessId, cancellationToken);

        // An endpoint says Ready (empty: its preload returned) before main's AttachAsync returns.
        await framed.WriteFrameAsync(new Frame(FrameKind.Ready, 0, string.Empty, ReadOnlyMemory<byte>.Empty), cancellationToken);
        await framed.Writer.CompleteAsync();
        await framed.Reader.CompleteAsync();
        return new HostilePeer(stream);
    }

    /// <summary>Writes raw bytes as they are.</summary>
    public async Task WriteAsync(byte[] bytes)
    {
        await this.stream.WriteAsync(bytes);
        await this.stream.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await this.stream.DisposeAsync();
        try
        {
            await this.draining;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // Closed under the read.
        }
    }

    private async Task DrainAsync()
    {
        byte[] buffer = new byte[16 * 1024];
        while (await this.stream.ReadAsync(buffer) > 0)
        {
        }
    }
}

/// <summary>Limits shared by the fuzzer's peers and its expectations.</summary>
internal static class FrameGen
{
    public const int MaxFrameSize = 1 << 20;
}
