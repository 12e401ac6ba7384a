using System;
using System.Collections.Concurrent;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Diagnostics;
using IpcBridge.Protocol;
using IpcBridge.Serialization;
using IpcBridge.Transport;
using Microsoft.Extensions.Logging;

namespace IpcBridge.Ports;

/// <summary>
/// A renderer's direct links to other renderers, opened when main brokers them so that a port pair whose ends live in
/// two child processes talks without a hop through main. A peer link carries port frames only.
/// </summary>
internal sealed class PeerLinks
{
    private readonly ConcurrentDictionary<int, IpcConnection> byPeer = new();
    private readonly FrameDispatcher dispatcher;
    private readonly PortRouter router;
    private readonly PayloadSerializer serializer;
    private readonly IpcBridgeOptions options;
    private readonly ILogger logger;

    public PeerLinks(FrameDispatcher dispatcher, PortRouter router, PayloadSerializer serializer, IpcBridgeOptions options, ILogger logger)
    {
        this.dispatcher = dispatcher;
        this.router = router;
        this.serializer = serializer;
        this.options = options;
        this.logger = logger;
    }

    /// <summary>Gets a value indicating whether this build can open peer links (it needs Unix sockets or current-user pipes).</summary>
    public static bool Supported =>
#if NET8_0_OR_GREATER
        true;
#else
        false;
#endif

    public IpcConnection? Get(int peerId) => this.byPeer.TryGetValue(peerId, out IpcConnection? link) && !link.IsClosed ? link : null;

    /// <summary>Answers main's PeerListen, PeerConnect and PortMove calls.</summary>
    public void HandleRequest(IpcConnection main, Frame frame)
    {
        PeerRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(frame.Payload.Span, HandshakeJsonContext.Default.PeerRequest);
        }
        catch (JsonException)
        {
            request = null;
        }

        if (request is null)
        {
            main.Violation($"a malformed {frame.Kind} request");
            return;
        }

        if (frame.Kind == FrameKind.PortMove)
        {
            IpcConnection? peer = this.Get(request.Peer);
            bool moved = peer is not null && this.router.BeginMove(request.Port, peer);
            Reply(main, frame.CallId, new PeerReply { Moved = moved });
            return;
        }

        _ = this.AnswerAsync(main, frame, request);
    }

    public void CloseAll()
    {
        foreach (IpcConnection link in this.byPeer.Values)
        {
            link.Close(new IpcDisconnectedException("The endpoint was disposed.", DisconnectReason.LocalClosed));
        }
    }

    private static void Reply(IpcConnection main, long callId, PeerReply reply)
        => main.SendResult(callId, JsonSerializer.SerializeToUtf8Bytes(reply, HandshakeJsonContext.Default.PeerReply));

    private async Task AnswerAsync(IpcConnection main, Frame frame, PeerRequest request)
    {
        try
        {
            if (!Supported || request.Token is null)
            {
                throw new NotSupportedException("peer links are not available on this endpoint");
            }

            string? address = frame.Kind == FrameKind.PeerListen
                ? this.Listen(request.Peer, request.Token)
                : await this.ConnectAsync(request.Peer, request.Address ?? throw new InvalidDataException("no address"), request.Token).ConfigureAwait(false);
            Reply(main, frame.CallId, new PeerReply { Address = address });
        }
        catch (Exception ex) when (ex is IOException or NotSupportedException or InvalidDataException or IpcException or OperationCanceledException or System.Net.Sockets.SocketException or UnauthorizedAccessException)
        {
            main.SendError(frame.CallId, new ErrorPayload { Code = ErrorCode.HandlerFailed, Type = ex.GetType().FullName, Message = ex.Message });
        }
    }

#if NET8_0_OR_GREATER
    private string Listen(int peerId, string token)
    {
        ChildListener listener = ChildAddress.Listen();
        _ = this.AcceptAsync(listener, peerId, token);
        return listener.Address;
    }

    private async Task AcceptAsync(ChildListener listener, int peerId, string token)
    {
        await using (listener.ConfigureAwait(false))
        {
            try
            {
                using var timeout = new CancellationTokenSource(this.options.HandshakeTimeout);
                Stream stream = await listener.AcceptAsync(timeout.Token).ConfigureAwait(false);
                var framed = new FramedStream(stream, this.options.MaxFrameSize);
                IpcConnection? link = null;
                try
                {
                    await Handshake.AcceptAsync(
                        framed,
                        token,
                        hello =>
                        {
                            // Registered before the welcome goes out, so a move request that follows finds it.
                            link = this.Register(peerId, framed);
                            return new WelcomeMessage { Protocol = Handshake.ProtocolVersion, EndpointId = peerId, Kind = EndpointKind.Work };
                        },
                        timeout.Token).ConfigureAwait(false);
                }
                catch
                {
                    if (link is null)
                    {
                        await framed.DisposeAsync().ConfigureAwait(false);
                    }
                    else
                    {
                        link.Close(new IpcDisconnectedException("The peer failed its handshake.", DisconnectReason.ProtocolViolation));
                    }

                    throw;
                }

                link!.Start();
            }
            catch (Exception ex) when (ex is IOException or IpcException or OperationCanceledException or System.Net.Sockets.SocketException)
            {
                Log.PeerLinkFailed(this.logger, peerId, 0, ex);
            }
        }
    }

    private async Task<string?> ConnectAsync(int peerId, string address, string token)
    {
        using var timeout = new CancellationTokenSource(this.options.HandshakeTimeout);
        Stream stream = await ChildAddress.ConnectAsync(address, timeout.Token).ConfigureAwait(false);
        var framed = new FramedStream(stream, this.options.MaxFrameSize);
        try
        {
            await Handshake.ConnectAsync(framed, token, CurrentProcess.Id, timeout.Token).ConfigureAwait(false);
        }
        catch
        {
            await framed.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        this.Register(peerId, framed).Start();
        return null;
    }
#else
    private string Listen(int peerId, string token) => throw new NotSupportedException();

    private Task<string?> ConnectAsync(int peerId, string address, string token) => throw new NotSupportedException();
#endif

    private IpcConnection Register(int peerId, FramedStream framed)
    {
        var handler = new PeerLinkHandler(this);
        var link = new IpcConnection(new StreamTransport(framed), this.dispatcher, handler, this.serializer, this.logger, this.options.MaxPendingCalls)
        {
            IsPeerLink = true,
            PeerEndpointId = peerId,
        };
        if (this.byPeer.TryGetValue(peerId, out IpcConnection? previous))
        {
            previous.Close(new IpcDisconnectedException("Replaced by a new peer link.", DisconnectReason.LocalClosed));
        }

        this.byPeer[peerId] = link;
        return link;
    }

    /// <summary>What arrives on a peer link: port frames only.</summary>
    private sealed class PeerLinkHandler : IFrameHandler
    {
        private readonly PeerLinks owner;

        public PeerLinkHandler(PeerLinks owner) => this.owner = owner;

        public void HandleFrame(IpcConnection connection, Frame frame)
        {
            switch (frame.Kind)
            {
                case FrameKind.PortMessage:
                case FrameKind.PortClose:
                case FrameKind.PortAck:
                case FrameKind.PortFence:
                    this.owner.router.HandlePortFrame(connection, frame);
                    return;
                default:
                    connection.Violation($"a {frame.Kind} frame on a peer link, which carries port frames only");
                    return;
            }
        }

        public void HandleClosed(IpcConnection connection, IpcDisconnectedException reason)
        {
            ((System.Collections.Generic.ICollection<System.Collections.Generic.KeyValuePair<int, IpcConnection>>)this.owner.byPeer)
                .Remove(new System.Collections.Generic.KeyValuePair<int, IpcConnection>(connection.PeerEndpointId, connection));
            this.owner.router.OnLinkClosed(connection);
        }
    }
}
