using System;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Diagnostics;
using IpcBridge.Ports;
using IpcBridge.Protocol;
using Microsoft.Extensions.Logging;

namespace IpcBridge;

/// <summary>
/// Main's side of direct port links: when the two ends of a port pair live in two child processes, main has one child
/// listen and the other connect (a private socket and a one-time token, as for launching), then asks both to move the
/// pair's traffic onto that link. Until the move completes, and whenever brokering fails, main keeps forwarding, so a
/// failure costs speed, never messages.
/// </summary>
internal sealed class PortBroker : IPortBroker
{
    private readonly MainProcess main;
    private readonly ILogger logger;
    private readonly ConcurrentDictionary<(int, int), Lazy<Task<int>>> links = new();
    private readonly ConcurrentDictionary<Task, bool> inFlight = new();

    public PortBroker(MainProcess main, ILogger logger)
    {
        this.main = main;
        this.logger = logger;
    }

    public void PairSplit(long port, IpcConnection portLink, long partner, IpcConnection partnerLink)
    {
        WebContents? a = this.main.FindByConnection(portLink);
        WebContents? b = this.main.FindByConnection(partnerLink);
        if (a is null || b is null || a == b || !a.SupportsPeerLinks || !b.SupportsPeerLinks)
        {
            return;
        }

        Task move = this.MoveAsync(a, port, b, partner);
        this.inFlight[move] = true;
        _ = move.ContinueWith(static (t, s) => ((ConcurrentDictionary<Task, bool>)s!).TryRemove(t, out _), this.inFlight, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Completes when every move started so far has finished (for tests and diagnostics).</summary>
    public Task WhenIdleAsync() => Task.WhenAll(this.inFlight.Keys);

    public void Forget(int endpointId)
    {
        foreach ((int, int) key in this.links.Keys)
        {
            if (key.Item1 == endpointId || key.Item2 == endpointId)
            {
                this.links.TryRemove(key, out _);
            }
        }
    }

    private static byte[] Request(PeerRequest request) => JsonSerializer.SerializeToUtf8Bytes(request, HandshakeJsonContext.Default.PeerRequest);

    private static PeerReply Read(ReadOnlyMemory<byte> payload)
        => JsonSerializer.Deserialize(payload.Span, HandshakeJsonContext.Default.PeerReply) ?? throw new IpcProtocolException("an empty peer reply");

    private async Task MoveAsync(WebContents a, long portA, WebContents b, long portB)
    {
        try
        {
            int connector = await this.links.GetOrAdd(Key(a, b), _ => new Lazy<Task<int>>(() => LinkAsync(a, b))).Value.ConfigureAwait(false);

            // Both requests are written before either answer is awaited, and before any later frame main forwards to
            // either end, so each end sees its move request ahead of the other end's fence.
            // The pair gets its own multiplexed channel on the link; the end that connected the link offers it.
            string channel = $"ports-{Math.Min(portA, portB):x16}-{Math.Max(portA, portB):x16}";
            bool aConnected = connector == a.Id;
            Task<ReadOnlyMemory<byte>> movingB = b.Connection.CallAsync(FrameKind.PortMove, string.Empty, Request(new PeerRequest { Peer = a.Id, Port = portB, Channel = channel, Offer = !aConnected }), null, CancellationToken.None, out _);
            Task<ReadOnlyMemory<byte>> movingA = a.Connection.CallAsync(FrameKind.PortMove, string.Empty, Request(new PeerRequest { Peer = b.Id, Port = portA, Channel = channel, Offer = aConnected }), null, CancellationToken.None, out _);
            if (!Read(await movingB.ConfigureAwait(false)).Moved)
            {
                this.main.Ports.AllowRelay(portB, b.Connection);
            }

            if (!Read(await movingA.ConfigureAwait(false)).Moved)
            {
                this.main.Ports.AllowRelay(portA, a.Connection);
            }
        }
        catch (Exception ex) when (ex is IpcException or JsonException or OperationCanceledException)
        {
            this.links.TryRemove(Key(a, b), out _);
            Log.PeerLinkFailed(this.logger, a.Id, b.Id, ex);
        }
    }

    private static (int, int) Key(WebContents a, WebContents b) => a.Id < b.Id ? (a.Id, b.Id) : (b.Id, a.Id);

    /// <summary>Has <paramref name="b"/> listen and <paramref name="a"/> connect.</summary>
    /// <returns>The id of the endpoint that connected (and so offers the pairs' channels).</returns>
    private static async Task<int> LinkAsync(WebContents a, WebContents b)
    {
        byte[] secret = new byte[32];
        using (var rng = RandomNumberGenerator.Create())
        {
            rng.GetBytes(secret);
        }

        string token = Convert.ToBase64String(secret);
        PeerReply listening = Read(await b.Connection.CallAsync(FrameKind.PeerListen, string.Empty, Request(new PeerRequest { Peer = a.Id, Token = token }), null, CancellationToken.None, out _).ConfigureAwait(false));
        await a.Connection.CallAsync(FrameKind.PeerConnect, string.Empty, Request(new PeerRequest { Peer = b.Id, Token = token, Address = listening.Address }), null, CancellationToken.None, out _).ConfigureAwait(false);
        return a.Id;
    }
}
