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
using Nerdbank.Streams;

namespace IpcBridge.Ports;

/// <summary>
/// A renderer's direct links to other renderers, opened when main brokers them so that a port pair whose ends live in
/// two child processes talks without a hop through main. Each link is one socket carrying a Nerdbank.Streams
/// <see cref="MultiplexingStream"/>: a "hello" channel for the token handshake, then one channel per port pair, so
/// each pair has its own flow control and a slow pair never stalls another.
/// </summary>
internal sealed class PeerLinks
{
    private const string HelloChannel = "hello";

    private readonly ConcurrentDictionary<int, PeerSession> sessions = new();
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

    /// <summary>Gets or sets a test hook run after a pair's channel is open and before its port moves (to order a move against the partner's fence).</summary>
    internal Func<long, Task>? BeforeMove { get; set; }

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

        _ = this.AnswerAsync(main, frame, request);
    }

    /// <summary>Gets how many port-pair channels are open on all peer links (for diagnostics and tests).</summary>
    public int OpenChannels
    {
        get
        {
            int open = 0;
            foreach (PeerSession session in this.sessions.Values)
            {
                open += session.OpenChannels;
            }

            return open;
        }
    }

    public void CloseAll()
    {
        foreach (PeerSession session in this.sessions.Values)
        {
            session.Dispose();
        }
    }

    private static void Reply(IpcConnection main, long callId, PeerReply reply)
        => main.SendResult(callId, JsonSerializer.SerializeToUtf8Bytes(reply, HandshakeJsonContext.Default.PeerReply));

    private async Task AnswerAsync(IpcConnection main, Frame frame, PeerRequest request)
    {
        try
        {
            switch (frame.Kind)
            {
                case FrameKind.PortMove:
                    Reply(main, frame.CallId, new PeerReply { Moved = await this.MoveAsync(request).ConfigureAwait(false) });
                    return;
                case FrameKind.PeerListen when Supported && request.Token is not null:
                    Reply(main, frame.CallId, new PeerReply { Address = this.Listen(request.Peer, request.Token) });
                    return;
                case FrameKind.PeerConnect when Supported && request.Token is not null && request.Address is not null:
                    await this.ConnectAsync(request.Peer, request.Address, request.Token).ConfigureAwait(false);
                    Reply(main, frame.CallId, new PeerReply());
                    return;
                default:
                    throw new NotSupportedException("peer links are not available on this endpoint");
            }
        }
        catch (Exception ex) when (ex is IOException or NotSupportedException or IpcException or OperationCanceledException or System.Net.Sockets.SocketException or UnauthorizedAccessException or ObjectDisposedException)
        {
            main.SendError(frame.CallId, new ErrorPayload { Code = ErrorCode.HandlerFailed, Type = ex.GetType().FullName, Message = ex.Message });
        }
    }

    /// <summary>Opens the pair's channel on the session with the peer and moves the local port's traffic onto it.</summary>
    private async Task<bool> MoveAsync(PeerRequest request)
    {
        if (!this.sessions.TryGetValue(request.Peer, out PeerSession? session) || request.Channel is null)
        {
            return false;
        }

        IpcConnection link = await session.OpenAsync(request.Channel, request.Offer, this.options.HandshakeTimeout).ConfigureAwait(false);
        if (this.BeforeMove is { } hook)
        {
            await hook(request.Port).ConfigureAwait(false);
        }

        // On the dispatch loop, in line with the port frames it reorders.
        var moved = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!this.dispatcher.Enqueue(() => moved.TrySetResult(this.router.BeginMove(request.Port, link))))
        {
            return false;
        }

        return await moved.Task.ConfigureAwait(false);
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
            MultiplexingStream? mux = null;
            try
            {
                using var timeout = new CancellationTokenSource(this.options.HandshakeTimeout);
                Stream stream = await listener.AcceptAsync(timeout.Token).ConfigureAwait(false);
                mux = await MultiplexingStream.CreateAsync(stream, new MultiplexingStream.Options { ProtocolMajorVersion = 3 }, timeout.Token).ConfigureAwait(false);
                MultiplexingStream.Channel hello = await mux.AcceptChannelAsync(HelloChannel, timeout.Token).ConfigureAwait(false);
                // The hello channel stays open for the session's life: disposing a channel can drop what it has not sent yet.
                var framed = new FramedStream(hello, hello, this.options.MaxFrameSize);
                MultiplexingStream session = mux;
                await Handshake.AcceptAsync(
                    framed,
                    token,
                    _ =>
                    {
                        // Registered before the welcome goes out, so a move request that follows finds it.
                        this.Register(peerId, session, framed);
                        return new WelcomeMessage { Protocol = Handshake.ProtocolVersion, EndpointId = peerId, Kind = EndpointKind.Work };
                    },
                    timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or IpcException or OperationCanceledException or System.Net.Sockets.SocketException or ObjectDisposedException)
            {
                if (mux is not null && !this.sessions.TryGetValue(peerId, out _))
                {
                    await mux.DisposeAsync().ConfigureAwait(false);
                }

                Log.PeerLinkFailed(this.logger, peerId, 0, ex);
            }
        }
    }

    private async Task ConnectAsync(int peerId, string address, string token)
    {
        using var timeout = new CancellationTokenSource(this.options.HandshakeTimeout);
        Stream stream = await ChildAddress.ConnectAsync(address, timeout.Token).ConfigureAwait(false);
        MultiplexingStream mux = await MultiplexingStream.CreateAsync(stream, new MultiplexingStream.Options { ProtocolMajorVersion = 3 }, timeout.Token).ConfigureAwait(false);
        try
        {
            MultiplexingStream.Channel hello = await mux.OfferChannelAsync(HelloChannel, timeout.Token).ConfigureAwait(false);
            var framed = new FramedStream(hello, hello, this.options.MaxFrameSize);
            await Handshake.ConnectAsync(framed, token, CurrentProcess.Id, timeout.Token).ConfigureAwait(false);
            this.Register(peerId, mux, framed);
        }
        catch
        {
            await mux.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
#else
    private string Listen(int peerId, string token) => throw new NotSupportedException();

    private Task ConnectAsync(int peerId, string address, string token) => throw new NotSupportedException();
#endif

    private void Register(int peerId, MultiplexingStream mux, FramedStream hello)
    {
        var session = new PeerSession(this, peerId, mux, hello);
        if (this.sessions.TryGetValue(peerId, out PeerSession? previous))
        {
            previous.Dispose();
        }

        this.sessions[peerId] = session;
        _ = mux.Completion.ContinueWith(
            _ => ((System.Collections.Generic.ICollection<System.Collections.Generic.KeyValuePair<int, PeerSession>>)this.sessions).Remove(new(peerId, session)),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>One peer's multiplexed socket and the port-pair links on it.</summary>
    private sealed class PeerSession : IDisposable
    {
        private readonly PeerLinks owner;
        private readonly int peerId;
        private readonly MultiplexingStream mux;
        private readonly FramedStream hello;
        private readonly ConcurrentDictionary<string, Lazy<Task<IpcConnection>>> channels = new(StringComparer.Ordinal);

        public PeerSession(PeerLinks owner, int peerId, MultiplexingStream mux, FramedStream hello)
        {
            this.owner = owner;
            this.peerId = peerId;
            this.mux = mux;
            this.hello = hello;
        }

        public int OpenChannels
        {
            get
            {
                int open = 0;
                foreach (Lazy<Task<IpcConnection>> channel in this.channels.Values)
                {
                    if (channel.IsValueCreated && channel.Value.Status == TaskStatus.RanToCompletion && !channel.Value.Result.IsClosed)
                    {
                        open++;
                    }
                }

                return open;
            }
        }

        public Task<IpcConnection> OpenAsync(string name, bool offer, TimeSpan timeout)
            => this.channels.GetOrAdd(name, n => new Lazy<Task<IpcConnection>>(() => this.CreateAsync(n, offer, timeout))).Value;

        public void Dispose()
        {
            foreach (Lazy<Task<IpcConnection>> channel in this.channels.Values)
            {
                if (channel.IsValueCreated && channel.Value.Status == TaskStatus.RanToCompletion)
                {
                    channel.Value.Result.Close(new IpcDisconnectedException("The peer link was closed.", DisconnectReason.LocalClosed));
                }
            }

            _ = this.DisposeStreamsAsync();
        }

        private async Task DisposeStreamsAsync()
        {
            await this.hello.DisposeAsync().ConfigureAwait(false);
            await this.mux.DisposeAsync().ConfigureAwait(false);
        }

        private async Task<IpcConnection> CreateAsync(string name, bool offer, TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            MultiplexingStream.Channel channel = offer
                ? await this.mux.OfferChannelAsync(name, cts.Token).ConfigureAwait(false)
                : await this.mux.AcceptChannelAsync(name, cts.Token).ConfigureAwait(false);
            var framed = new FramedStream(channel, channel, this.owner.options.MaxFrameSize);
            var link = new IpcConnection(new StreamTransport(framed), this.owner.dispatcher, new PeerLinkHandler(this.owner.router), this.owner.serializer, this.owner.logger, this.owner.options.MaxPendingCalls, isPeerLink: true)
            {
                EndpointId = this.peerId,
                FrameTrace = this.owner.options.FrameTrace,
            };
            link.Start();
            return link;
        }
    }

    /// <summary>What arrives on a port pair's channel: port frames only.</summary>
    private sealed class PeerLinkHandler : IFrameHandler
    {
        private readonly PortRouter router;

        public PeerLinkHandler(PortRouter router) => this.router = router;

        public void HandleFrame(IpcConnection connection, Frame frame)
        {
            switch (frame.Kind)
            {
                case FrameKind.PortMessage:
                case FrameKind.PortClose:
                case FrameKind.PortAck:
                case FrameKind.PortFence:
                    this.router.HandlePortFrame(connection, frame);
                    return;
                default:
                    connection.Violation($"a {frame.Kind} frame on a peer link, which carries port frames only");
                    return;
            }
        }

        public void HandleClosed(IpcConnection connection, IpcDisconnectedException reason) => this.router.OnLinkClosed(connection);
    }
}
