using System;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Renderer;
using IpcBridge.Transport;

namespace IpcBridge.Protocol;

/// <summary>
/// The first exchange on a stream link: the endpoint says hello with the protocol version and the launch token main
/// gave it; main answers welcome (the endpoint's id, kind and allowlist) or refused (why). Only then do IPC frames flow.
/// </summary>
internal static class Handshake
{
    /// <summary>The protocol version this build speaks. Bump it on any change to the frame layout or meaning.</summary>
    public const int ProtocolVersion = 3;

    public const FrameKind Hello = (FrameKind)0x40;
    public const FrameKind Welcome = (FrameKind)0x41;
    public const FrameKind Refused = (FrameKind)0x42;

    /// <summary>Main's side: reads the hello, checks it, answers.</summary>
    /// <returns>The endpoint's hello.</returns>
    /// <exception cref="IpcProtocolException">The hello was missing, malformed, of another version, or had the wrong token; the endpoint was told why.</exception>
    public static async Task<HelloMessage> AcceptAsync(FramedStream stream, string? expectedToken, Func<HelloMessage, WelcomeMessage> welcome, CancellationToken cancellationToken)
    {
        Frame? frame = await stream.ReadFrameAsync(cancellationToken).ConfigureAwait(false);
        if (frame is null || frame.Kind != Hello)
        {
            throw await RefuseAsync(stream, frame is null ? "the stream ended before a hello" : $"a {frame.Kind} frame instead of a hello", cancellationToken).ConfigureAwait(false);
        }

        HelloMessage? hello;
        try
        {
            hello = JsonSerializer.Deserialize(frame.Payload.Span, HandshakeJsonContext.Default.HelloMessage);
        }
        catch (JsonException)
        {
            hello = null;
        }

        if (hello is null)
        {
            throw await RefuseAsync(stream, "a malformed hello", cancellationToken).ConfigureAwait(false);
        }

        if (hello.Protocol != ProtocolVersion)
        {
            throw await RefuseAsync(stream, $"protocol version {hello.Protocol}; this main speaks version {ProtocolVersion}", cancellationToken).ConfigureAwait(false);
        }

        if (expectedToken is not null && !TokensEqual(expectedToken, hello.Token))
        {
            throw await RefuseAsync(stream, "a wrong launch token", cancellationToken).ConfigureAwait(false);
        }

        byte[] body = JsonSerializer.SerializeToUtf8Bytes(welcome(hello), HandshakeJsonContext.Default.WelcomeMessage);
        await stream.WriteFrameAsync(new Frame(Welcome, 0, string.Empty, body), cancellationToken).ConfigureAwait(false);
        return hello;
    }

    /// <summary>The endpoint's side: says hello and waits for the answer.</summary>
    /// <exception cref="IpcProtocolException">Main refused, or answered something else.</exception>
    public static async Task<WelcomeMessage> ConnectAsync(FramedStream stream, string? token, int processId, CancellationToken cancellationToken, bool peers = false)
    {
        var hello = new HelloMessage { Protocol = ProtocolVersion, Token = token, ProcessId = processId, Peers = peers };
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(hello, HandshakeJsonContext.Default.HelloMessage);
        await stream.WriteFrameAsync(new Frame(Hello, 0, string.Empty, body), cancellationToken).ConfigureAwait(false);
        Frame? answer = await stream.ReadFrameAsync(cancellationToken).ConfigureAwait(false);
        if (answer?.Kind == Welcome)
        {
            WelcomeMessage? welcome = null;
            try
            {
                welcome = JsonSerializer.Deserialize(answer.Payload.Span, HandshakeJsonContext.Default.WelcomeMessage);
            }
            catch (JsonException)
            {
                // Reported below.
            }

            if (welcome is null)
            {
                throw new IpcProtocolException("Main's welcome was malformed.");
            }

            return welcome.Protocol == ProtocolVersion
                ? welcome
                : throw new IpcProtocolException($"Main speaks protocol version {welcome.Protocol}; this endpoint speaks version {ProtocolVersion}.");
        }

        if (answer?.Kind == Refused)
        {
            throw new IpcProtocolException($"Main refused the connection: {Encoding.UTF8.GetString(answer.Payload.ToArray())}.");
        }

        throw new IpcProtocolException(answer is null ? "Main closed the connection during the handshake." : $"Main answered the hello with a {answer.Kind} frame.");
    }

    public static WelcomeMessage CreateWelcome(int endpointId, EndpointKind kind, ChannelAllowlist allowlist, int mainProcessId) => new()
    {
        Protocol = ProtocolVersion,
        EndpointId = endpointId,
        Kind = kind,
        AllowAll = allowlist.AllowsEverything,
        Rules = allowlist.ToRules().Select(r => new AllowRule { Operations = r.Operations, Pattern = r.Pattern }).ToArray(),
        MainProcessId = mainProcessId,
    };

    public static RendererIdentity ToIdentity(WelcomeMessage welcome, int processId)
        => new(welcome.EndpointId, welcome.Kind, ChannelAllowlist.FromRules(welcome.AllowAll, (welcome.Rules ?? Array.Empty<AllowRule>()).Select(r => (r.Operations, r.Pattern)).ToArray()), processId);

    private static async Task<IpcProtocolException> RefuseAsync(FramedStream stream, string why, CancellationToken cancellationToken)
    {
        try
        {
            await stream.WriteFrameAsync(new Frame(Refused, 0, string.Empty, Encoding.UTF8.GetBytes(why)), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.IO.IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The endpoint is already gone; the refusal stands.
        }

        return new IpcProtocolException($"Refused an endpoint's connection: {why}.");
    }

    private static bool TokensEqual(string expected, string? actual)
    {
        if (actual is null)
        {
            return false;
        }

        // Constant time in the token's content, so timing does not reveal how much of a guess was right.
        byte[] a = Encoding.UTF8.GetBytes(expected);
        byte[] b = Encoding.UTF8.GetBytes(actual);
        int diff = a.Length ^ b.Length;
        for (int i = 0; i < a.Length; i++)
        {
            diff |= a[i] ^ (i < b.Length ? b[i] : 0);
        }

        return diff == 0;
    }
}

/// <summary>The endpoint's first frame.</summary>
internal sealed class HelloMessage
{
    public int Protocol { get; set; }

    public string? Token { get; set; }

    public int ProcessId { get; set; }

    /// <summary>Gets or sets a value indicating whether the endpoint can open direct peer links for ports.</summary>
    public bool Peers { get; set; }
}

/// <summary>A request between main and an endpoint about a peer link or a port move.</summary>
internal sealed class PeerRequest
{
    public int Peer { get; set; }

    public string? Token { get; set; }

    public string? Address { get; set; }

    public long Port { get; set; }

    /// <summary>Gets or sets the multiplexed channel a port pair moves onto.</summary>
    public string? Channel { get; set; }

    /// <summary>Gets or sets a value indicating whether this end offers the channel (the other accepts it).</summary>
    public bool Offer { get; set; }
}

/// <summary>The answer to a <see cref="PeerRequest"/>.</summary>
internal sealed class PeerReply
{
    public string? Address { get; set; }

    public bool Moved { get; set; }
}

/// <summary>Main's answer: who the endpoint is and what it may do.</summary>
internal sealed class WelcomeMessage
{
    public int Protocol { get; set; }

    public int EndpointId { get; set; }

    public EndpointKind Kind { get; set; }

    public bool AllowAll { get; set; }

    public AllowRule[]? Rules { get; set; }

    public int MainProcessId { get; set; }
}

/// <summary>One allowlist rule in a welcome.</summary>
internal sealed class AllowRule
{
    public IpcOperation Operations { get; set; }

    public string Pattern { get; set; } = string.Empty;
}
