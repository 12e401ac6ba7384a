using System;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Protocol;

namespace IpcBridge;

/// <content>Waiting until a new endpoint's preload has returned, so what main hands out is ready for anything it sends.</content>
public sealed partial class MainProcess
{
    /// <summary>
    /// Waits for the endpoint's <see cref="FrameKind.Ready"/>. On any failure (the preload threw, the time limit passed,
    /// the link ended, the caller cancelled) the endpoint's link is closed, so no half-connected endpoint remains.
    /// </summary>
    /// <param name="webContents">The endpoint just attached.</param>
    /// <param name="limit">The token bounding the whole handshake (cancelled by the caller or by <see cref="IpcBridgeOptions.HandshakeTimeout"/>).</param>
    /// <param name="cancellationToken">The caller's own token, to tell its cancellation from the time limit.</param>
    /// <exception cref="IpcPreloadException">The endpoint's preload threw or did not return in time, or the endpoint went away first.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    internal async Task WaitUntilReadyAsync(WebContents webContents, CancellationToken limit, CancellationToken cancellationToken)
    {
        IpcConnection connection = webContents.Connection;
        Task<ReadOnlyMemory<byte>?> ready = connection.Ready;
        ReadOnlyMemory<byte>? answer;
        try
        {
            // The untyped wait exists on every target (netstandard2.0 has no Task<T>.WaitAsync); the task never faults.
            await ((Task)ready).WaitAsync(limit).ConfigureAwait(false);
            answer = await ready.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            var gaveUp = new IpcDisconnectedException("Main stopped waiting for the endpoint to become ready.", DisconnectReason.LocalClosed);
            connection.Close(gaveUp);
            cancellationToken.ThrowIfCancellationRequested();
            throw new IpcPreloadException(
                $"The preload of endpoint {Describe(webContents)} did not return within {this.Options.HandshakeTimeout.TotalMilliseconds:0} ms (IpcBridgeOptions.HandshakeTimeout).",
                webContents.Id,
                webContents.Name,
                innerException: new IpcTimeoutException("(preload)", this.Options.HandshakeTimeout));
        }

        if (answer is not { } payload)
        {
            IpcDisconnectedException? closed = connection.ClosedReason;
            throw new IpcPreloadException(
                $"Endpoint {Describe(webContents)} went away before its preload returned: {closed?.Message ?? "the link ended"}",
                webContents.Id,
                webContents.Name,
                innerException: closed);
        }

        if (payload.IsEmpty)
        {
            return;
        }

        // The endpoint closes its link after reporting a failed preload; closing here too makes sure of it.
        connection.Close(new IpcDisconnectedException("The endpoint's preload failed.", DisconnectReason.LocalClosed));
        ErrorPayload? error = ReadError(payload);
        throw new IpcPreloadException(
            error is null
                ? $"The preload of endpoint {Describe(webContents)} failed."
                : $"The preload of endpoint {Describe(webContents)} threw {error.Type}: {error.Message}",
            webContents.Id,
            webContents.Name,
            error?.Type,
            error?.Message,
            error?.Stack);
    }

    private static string Describe(WebContents webContents) => $"'{webContents.Name}' (#{webContents.Id})";

    private static ErrorPayload? ReadError(ReadOnlyMemory<byte> payload)
    {
        try
        {
            return JsonSerializer.Deserialize(payload.Span, ProtocolJsonContext.Default.ErrorPayload);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
