using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Protocol;
using IpcBridge.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace IpcBridge.Tests.Core;

public class AllowlistTests
{
    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcRenderer_OperationsOutsideAllowlist_ThrowIpcAccessDeniedExceptionBeforeSending(TransportKind transport)
    {
        // Arrange: every operation is granted on "marker", only Send on "send-only".
        await using var bridge = Bridge.Create(transport);
        var seen = new Recorder<string>();
        foreach (string channel in new[] { "secret", "send-only", "marker" })
        {
            bridge.IpcMain.On(channel, (e, a) =>
            {
                seen.Add((e.IsSync ? "sync " : "send ") + e.Channel);
                if (e.IsSync)
                {
                    e.ReturnValue = 0;
                }
            });
            bridge.IpcMain.Handle(channel, (e, a) => seen.Add("invoke " + e.Channel));
        }

        TestRenderer renderer = await bridge.AddRendererAsync(ChannelAllowlist.DenyAll.Allow(IpcOperation.All, "marker").AllowSend("send-only"));

        // Act / Assert
        AssertDenied(() => renderer.Ipc.Send("secret", 1), "secret", IpcOperation.Send);
        AssertDenied(() => renderer.Ipc.Send<int>("secret", 1), "secret", IpcOperation.Send);
        AssertDenied(() => renderer.Ipc.SendSync("secret"), "secret", IpcOperation.SendSync);
        AssertDenied(() => renderer.Ipc.SendSync("send-only"), "send-only", IpcOperation.SendSync);
        AssertDenied(() => renderer.Ipc.On("secret", (e, a) => { }), "secret", IpcOperation.Receive);
        AssertDenied(() => renderer.Ipc.Once<int>("send-only", (e, n) => { }), "send-only", IpcOperation.Receive);
        IpcAccessDeniedException invokeDenied = (await FluentActions.Awaiting(() => renderer.Ipc.InvokeAsync<object?>("secret").WithTimeout())
            .Should().ThrowAsync<IpcAccessDeniedException>()).Which;
        invokeDenied.Operation.Should().Be(IpcOperation.Invoke);
        await FluentActions.Awaiting(() => renderer.Ipc.InvokeAsync<object?>("send-only").WithTimeout()).Should().ThrowAsync<IpcAccessDeniedException>();

        renderer.Ipc.Send("send-only");
        renderer.Ipc.Send("marker");
        await seen.WaitFor("send marker");
        seen.Items.Should().Equal("send send-only", "send marker");
        renderer.Ipc.ListenerCount("secret").Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task ChannelAllowlist_PrefixPattern_AllowsOnlyChannelsWithThatPrefix(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        foreach (string channel in new[] { "files:read", "files:", "files", "filesystem", "x:files:read" })
        {
            bridge.IpcMain.Handle(channel, (e, a) => e.Channel);
        }

        TestRenderer renderer = await bridge.AddRendererAsync(ChannelAllowlist.DenyAll.AllowInvoke("files:*").AllowReceive("files:*"));

        // Act
        string read = await renderer.Ipc.InvokeAsync<string>("files:read").WithTimeout();
        string empty = await renderer.Ipc.InvokeAsync<string>("files:").WithTimeout();

        // Assert
        read.Should().Be("files:read");
        empty.Should().Be("files:");
        foreach (string denied in new[] { "files", "filesystem", "x:files:read" })
        {
            await FluentActions.Awaiting(() => renderer.Ipc.InvokeAsync<string>(denied).WithTimeout())
                .Should().ThrowAsync<IpcAccessDeniedException>();
        }

        FluentActions.Invoking(() => renderer.Ipc.Send("files:read")).Should().Throw<IpcAccessDeniedException>("the prefix grants Invoke and Receive, not Send");
        FluentActions.Invoking(() => renderer.Ipc.On("files:changed", (e, a) => { })).Should().NotThrow();
        FluentActions.Invoking(() => renderer.WebContents.Send("files:changed", 1)).Should().NotThrow();
        FluentActions.Invoking(() => renderer.WebContents.Send("other", 1)).Should().Throw<IpcAccessDeniedException>();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task ChannelAllowlist_DenyAll_DeniesEveryOperationOnBothSides(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync(ChannelAllowlist.DenyAll);

        // Act / Assert
        AssertDenied(() => renderer.Ipc.Send("any"), "any", IpcOperation.Send);
        AssertDenied(() => renderer.Ipc.SendSync("any"), "any", IpcOperation.SendSync);
        AssertDenied(() => renderer.Ipc.On("any", (e, a) => { }), "any", IpcOperation.Receive);
        AssertDenied(() => renderer.WebContents.Send("any"), "any", IpcOperation.Receive);
        await FluentActions.Awaiting(() => renderer.Ipc.InvokeAsync<int>("any").WithTimeout()).Should().ThrowAsync<IpcAccessDeniedException>();
        bridge.Main.Broadcast("any", 1).Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task ChannelAllowlist_NotConfigured_DeniesEverything(TransportKind transport)
    {
        // Arrange: the harness grants AllowAll when given no list, so this creates the endpoint with the library's defaults.
        await using var main = new MainProcess();
        IpcRenderer? ipc = null;
        WebContents webContents;
        IAsyncDisposable endpoint;
        if (transport == TransportKind.InProcess)
        {
            RendererEndpoint created = await main.CreateWindowAsync(new RendererOptions { Preload = (i, _) => ipc = i });
            (webContents, endpoint) = (created.WebContents, created);
        }
        else
        {
            (System.IO.Stream mainEnd, System.IO.Stream rendererEnd) = await SocketPair.CreateAsync();
            Task<WebContents> attaching = main.AttachAsync(mainEnd);
            endpoint = await RendererProcess.ConnectAsync(rendererEnd, new RendererProcessOptions { Preload = (i, _) => ipc = i }).WaitAsync(Signal.Timeout);
            webContents = await attaching.WaitAsync(Signal.Timeout);
        }

        await using (endpoint)
        {
            // Act / Assert
            new RendererOptions().Allowlist.Should().BeSameAs(ChannelAllowlist.DenyAll);
            new AttachOptions().Allowlist.Should().BeSameAs(ChannelAllowlist.DenyAll);
            webContents.Allowlist.Should().BeSameAs(ChannelAllowlist.DenyAll);
            ipc!.Allowlist.IsAllowed(IpcOperation.Send, "any").Should().BeFalse();
            AssertDenied(() => ipc.Send("any"), "any", IpcOperation.Send);
            AssertDenied(() => ipc.SendSync("any"), "any", IpcOperation.SendSync);
            AssertDenied(() => ipc.On("any", (e, a) => { }), "any", IpcOperation.Receive);
            AssertDenied(() => webContents.Send("any"), "any", IpcOperation.Receive);
            await FluentActions.Awaiting(() => ipc.InvokeAsync<int>("any").WithTimeout()).Should().ThrowAsync<IpcAccessDeniedException>();
        }
    }

    [Fact]
    public async Task MainProcess_CreateWorkWithoutOptions_DeniesEverything()
    {
        await using var main = new MainProcess();
        await using RendererEndpoint bare = await main.CreateWorkAsync();

        bare.WebContents.Allowlist.Should().BeSameAs(ChannelAllowlist.DenyAll);
        AssertDenied(() => bare.WebContents.Send("any"), "any", IpcOperation.Receive);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task WebContents_ForgedFramesOutsideAllowlist_AreDeniedByMain(TransportKind transport)
    {
        // Arrange
        using var logs = new CapturingLoggerProvider();
        using ILoggerFactory loggerFactory = logs.CreateFactory();
        await using var bridge = Bridge.Create(transport, loggerFactory: loggerFactory);
        var ran = new Recorder<string>();
        bridge.IpcMain.On("secret", (e, a) => ran.Add((e.IsSync ? "sync " : "send ") + e.Channel));
        bridge.IpcMain.Handle("secret", (e, a) => ran.Add("invoke " + e.Channel));
        bridge.IpcMain.On("marker", (e, a) => ran.Add("send " + e.Channel));
        var denied = new Recorder<AccessDeniedEventArgs>();
        bridge.Main.AccessDenied += (_, args) => denied.Add(args);
        TestRenderer renderer = await bridge.AddRendererAsync(ChannelAllowlist.DenyAll.AllowSend("marker"));
        byte[] payload = "[1]"u8.ToArray();

        // Act: write below IpcRenderer, as a compromised renderer could.
        renderer.Ipc.Connection.Write(new Frame(FrameKind.Send, 0, "secret", payload));
        Task<ReadOnlyMemory<byte>> forgedInvoke = renderer.Ipc.Connection.CallAsync(FrameKind.Invoke, "secret", payload, null, CancellationToken.None, out _);
        Task<ReadOnlyMemory<byte>> forgedSync = renderer.Ipc.Connection.CallAsync(FrameKind.SendSync, "secret", payload, null, CancellationToken.None, out _);
        renderer.Ipc.Send("marker");

        // Assert
        IpcAccessDeniedException invokeDenied = (await FluentActions.Awaiting(() => forgedInvoke.WithTimeout()).Should().ThrowAsync<IpcAccessDeniedException>()).Which;
        invokeDenied.Channel.Should().Be("secret");
        invokeDenied.Operation.Should().Be(IpcOperation.Invoke);
        (await FluentActions.Awaiting(() => forgedSync.WithTimeout()).Should().ThrowAsync<IpcAccessDeniedException>())
            .Which.Operation.Should().Be(IpcOperation.SendSync);
        await ran.WaitFor("send marker");
        ran.Items.Should().Equal("send marker");

        denied.Items.Select(d => (d.Operation, d.Channel)).Should().Equal(
            (IpcOperation.Send, "secret"), (IpcOperation.Invoke, "secret"), (IpcOperation.SendSync, "secret"));
        denied.Items.Should().OnlyContain(d => d.Sender == renderer.WebContents);
        logs.Entries.Where(l => l.EventId.Id == 2).Should().HaveCount(3)
            .And.Contain(l => l.Level == LogLevel.Warning && l.Message.Contains("'secret'", StringComparison.Ordinal) && l.Message.Contains("Send", StringComparison.Ordinal));
    }

    [Fact]
    public void ChannelAllowlist_StarNotAtEnd_Throws()
    {
        ChannelAllowlist list = ChannelAllowlist.DenyAll;

        list.Invoking(l => l.AllowSend("a*b")).Should().Throw<ArgumentException>().WithMessage("*'a*b'*");
        list.Invoking(l => l.AllowSend("*a")).Should().Throw<ArgumentException>();
        list.Invoking(l => l.AllowSend("a**")).Should().Throw<ArgumentException>();
        list.Invoking(l => l.AllowSend(string.Empty)).Should().Throw<ArgumentException>();
        list.Invoking(l => l.AllowSend((string[])null!)).Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public void ChannelAllowlist_IsAllowed_MatchesExactNamesPrefixesAndEveryRequestedOperation()
    {
        ChannelAllowlist list = ChannelAllowlist.DenyAll
            .AllowSend("app:ping")
            .AllowReceive("files:*")
            .AllowPorts("files:stream");

        list.IsAllowed(IpcOperation.Send, "app:ping").Should().BeTrue();
        list.IsAllowed(IpcOperation.Send, "app:ping2").Should().BeFalse("an exact name is not a prefix");
        list.IsAllowed(IpcOperation.Invoke, "app:ping").Should().BeFalse();
        list.IsAllowed(IpcOperation.Receive, "files:anything").Should().BeTrue();
        list.IsAllowed(IpcOperation.Receive, "files").Should().BeFalse();
        list.IsAllowed(IpcOperation.Receive | IpcOperation.Ports, "files:stream").Should().BeTrue();
        list.IsAllowed(IpcOperation.Receive | IpcOperation.Ports, "files:other").Should().BeFalse();
        ChannelAllowlist.DenyAll.IsAllowed(IpcOperation.Send, "x").Should().BeFalse();
        ChannelAllowlist.AllowAll().IsAllowed(IpcOperation.All, "x").Should().BeTrue();
        ChannelAllowlist.DenyAll.AllowSend("x").Should().NotBeSameAs(ChannelAllowlist.DenyAll, "lists are immutable");
        ChannelAllowlist.DenyAll.IsAllowed(IpcOperation.Send, "x").Should().BeFalse();
    }

    private static void AssertDenied(Action act, string channel, IpcOperation operation)
    {
        IpcAccessDeniedException ex = act.Should().Throw<IpcAccessDeniedException>().Which;
        ex.Channel.Should().Be(channel);
        ex.Operation.Should().Be(operation);
    }
}
