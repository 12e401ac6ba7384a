using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Protocol;
using IpcBridge.Tests.Infrastructure;
using IpcBridge.Transport;

namespace IpcBridge.Tests.Processes;

/// <summary>The stream handshake: version, token and time limits, checked on real sockets.</summary>
public class HandshakeTests
{
    [Fact]
    public async Task Attach_HelloOfAnotherProtocolVersion_RefusedNamingBothVersions()
    {
        var logs = new CapturingLoggerProvider();
        await using var main = new MainProcess(null, logs.CreateFactory());
        (Stream mainEnd, Stream rendererEnd) = await SocketPair.CreateAsync();
        Task<WebContents> attaching = main.AttachAsync(mainEnd);
        await using var raw = new FramedStream(rendererEnd, 1 << 20);

        int other = Handshake.ProtocolVersion + 1;
        byte[] hello = Encoding.UTF8.GetBytes($"{{\"protocol\":{other},\"processId\":1}}");
        await raw.WriteFrameAsync(new Frame(Handshake.Hello, 0, string.Empty, hello), CancellationToken.None);
        Frame? answer = await raw.ReadFrameAsync(CancellationToken.None).AsTask().WithTimeout();

        answer!.Kind.Should().Be(Handshake.Refused);
        Encoding.UTF8.GetString(answer.Payload.Span).Should().Contain($"version {other}").And.Contain($"version {Handshake.ProtocolVersion}");
        await attaching.Awaiting(t => t.WithTimeout()).Should().ThrowAsync<IpcProtocolException>();
        logs.Entries.Should().Contain(e => e.EventId.Id == 11);
        main.GetAllWebContents().Should().BeEmpty();
    }

    [Fact]
    public async Task Connect_WrongToken_RendererGetsRefusal()
    {
        await using var main = new MainProcess();
        (Stream mainEnd, Stream rendererEnd) = await SocketPair.CreateAsync();
        Task<WebContents> attaching = main.AttachAsync(mainEnd, new AttachOptions { LaunchToken = "right" });

        Func<Task> connecting = () => RendererProcess.ConnectAsync(rendererEnd, new RendererProcessOptions { LaunchToken = "wrong" });

        await connecting.Should().ThrowAsync<IpcProtocolException>().WithMessage("*launch token*");
        await attaching.Awaiting(t => t.WithTimeout()).Should().ThrowAsync<IpcProtocolException>();
    }

    [Fact]
    public async Task Connect_WelcomeOfAnotherProtocolVersion_Refused()
    {
        (Stream mainEnd, Stream rendererEnd) = await SocketPair.CreateAsync();
        await using var fakeMain = new FramedStream(mainEnd, 1 << 20);
        Task<RendererProcess> connecting = RendererProcess.ConnectAsync(rendererEnd, new RendererProcessOptions());

        Frame? hello = await fakeMain.ReadFrameAsync(CancellationToken.None).AsTask().WithTimeout();
        hello!.Kind.Should().Be(Handshake.Hello);
        await fakeMain.WriteFrameAsync(new Frame(Handshake.Welcome, 0, string.Empty, Encoding.UTF8.GetBytes("{\"protocol\":9,\"endpointId\":1}")), CancellationToken.None);

        await connecting.Awaiting(t => t.WithTimeout()).Should().ThrowAsync<IpcProtocolException>().WithMessage("*version 9*");
    }

    [Fact]
    public async Task Attach_PeerThatNeverSaysHello_TimesOut()
    {
        await using var main = new MainProcess(new IpcBridgeOptions { HandshakeTimeout = TimeSpan.FromMilliseconds(200) });
        (Stream mainEnd, Stream rendererEnd) = await SocketPair.CreateAsync();
        await using (rendererEnd)
        {
            await main.Awaiting(m => m.AttachAsync(mainEnd).WithTimeout()).Should().ThrowAsync<IpcTimeoutException>();
        }
    }

    [Fact]
    public async Task Connect_Welcome_CarriesIdKindAndAllowlist()
    {
        await using var main = new MainProcess();
        (Stream mainEnd, Stream rendererEnd) = await SocketPair.CreateAsync();
        ChannelAllowlist allowlist = ChannelAllowlist.DenyAll.AllowSend("files:*").AllowInvoke("ping");
        Task<WebContents> attaching = main.AttachAsync(mainEnd, new AttachOptions { Kind = EndpointKind.Work, Allowlist = allowlist });
        IpcRenderer? ipc = null;

        await using RendererProcess renderer = await RendererProcess.ConnectAsync(rendererEnd, new RendererProcessOptions { Preload = (i, _) => ipc = i }).WithTimeout();
        WebContents webContents = await attaching.WithTimeout();

        renderer.EndpointId.Should().Be(webContents.Id);
        renderer.Kind.Should().Be(EndpointKind.Work);
        renderer.MainProcessId.Should().Be(Environment.ProcessId);
        ipc!.Allowlist.IsAllowed(IpcOperation.Send, "files:open").Should().BeTrue();
        ipc.Allowlist.IsAllowed(IpcOperation.Invoke, "ping").Should().BeTrue();
        ipc.Allowlist.IsAllowed(IpcOperation.Invoke, "files:open").Should().BeFalse();
        webContents.ProcessId.Should().Be(Environment.ProcessId);
    }
}
