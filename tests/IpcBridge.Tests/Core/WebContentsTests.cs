using System;
using System.Linq;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace IpcBridge.Tests.Core;

public class WebContentsTests
{
    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMainEvent_Reply_ReachesOnlyTheSender(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.On<string>("ask", (e, question) => e.Reply("answer", "re: " + question));
        TestRenderer asker = await bridge.AddRendererAsync(name: "asker");
        TestRenderer bystander = await bridge.AddRendererAsync(name: "bystander");
        var askerGot = new Recorder<string>();
        var bystanderGot = new Recorder<string>();
        asker.Ipc.On<string>("answer", (e, s) => askerGot.Add(s));
        bystander.Ipc.On<string>("answer", (e, s) => bystanderGot.Add(s));

        // Act
        asker.Ipc.Send("ask", "why");
        await askerGot.WaitFor("re: why");
        bystander.WebContents.Send("answer", "marker");
        await bystanderGot.WaitFor("marker");

        // Assert: a reply sent to the bystander would have been written before the marker on its link.
        askerGot.Items.Should().Equal("re: why");
        bystanderGot.Items.Should().Equal("marker");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMainEvent_Sender_IsTheWebContentsOfTheSendingRenderer(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var senders = new Recorder<(int Id, EndpointKind Kind, int ProcessId)>();
        var invokers = new Recorder<(int Id, EndpointKind Kind, int ProcessId)>();
        bridge.IpcMain.On("who", (e, a) => senders.Add((e.Sender.Id, e.Kind, e.ProcessId)));
        bridge.IpcMain.Handle("who", (e, a) => invokers.Add((e.Sender.Id, e.Kind, e.ProcessId)));
        TestRenderer window = await bridge.AddRendererAsync();
        TestRenderer work = await bridge.AddRendererAsync(kind: EndpointKind.Work);

        // Act
        window.Ipc.Send("who");
        await work.Ipc.InvokeAsync<object?>("who").WithTimeout();
        work.Ipc.Send("who");
        await senders.WaitForCount(2);

        // Assert: the harness's endpoints, in-process or at the far end of a socket pair, all run in this process.
        int pid = Environment.ProcessId;
        senders.Items.Should().Equal(
            (window.WebContents.Id, EndpointKind.Window, pid),
            (work.WebContents.Id, EndpointKind.Work, pid));
        invokers.Items.Should().Equal((work.WebContents.Id, EndpointKind.Work, pid));
        window.WebContents.ProcessId.Should().Be(pid);
        work.WebContents.ProcessId.Should().Be(pid);
        window.Ipc.EndpointId.Should().Be(window.WebContents.Id);
        work.Ipc.Kind.Should().Be(EndpointKind.Work);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task WebContents_Send_ReachesOnlyThatEndpoint(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer target = await bridge.AddRendererAsync();
        TestRenderer other = await bridge.AddRendererAsync();
        var targetGot = new Recorder<string>();
        var otherGot = new Recorder<string>();
        target.Ipc.On<string>("news", (e, s) => targetGot.Add(s));
        other.Ipc.On<string>("news", (e, s) => otherGot.Add(s));

        // Act
        target.WebContents.Send("news", "for target");
        await targetGot.WaitFor("for target");
        other.WebContents.Send("news", "marker");
        await otherGot.WaitFor("marker");

        // Assert
        targetGot.Items.Should().Equal("for target");
        otherGot.Items.Should().Equal("marker");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task MainProcess_Broadcast_ReachesEveryLiveAllowedEndpointExactlyOnce(TransportKind transport)
    {
        // Arrange
        using var logs = new CapturingLoggerProvider();
        using ILoggerFactory loggerFactory = logs.CreateFactory();
        await using var bridge = Bridge.Create(transport, loggerFactory: loggerFactory);
        TestRenderer window1 = await bridge.AddRendererAsync(name: "w1");
        TestRenderer window2 = await bridge.AddRendererAsync(name: "w2");
        TestRenderer work = await bridge.AddRendererAsync(kind: EndpointKind.Work, name: "work");
        TestRenderer gone = await bridge.AddRendererAsync(name: "gone");
        TestRenderer deaf = await bridge.AddRendererAsync(ChannelAllowlist.DenyAll.AllowReceive("marker"), name: "deaf");
        var got = new[] { window1, window2, work }.ToDictionary(r => r, _ => new Recorder<string>());
        foreach ((TestRenderer r, Recorder<string> rec) in got)
        {
            r.Ipc.On<string>("news", (e, s) => rec.Add(s));
        }

        var deafGot = new Recorder<string>();
        deaf.Ipc.On<string>("marker", (e, s) => deafGot.Add(s));
        TaskCompletionSource<bool> goneDestroyed = Signal.Create<bool>();
        gone.WebContents.Destroyed += (_, _) => goneDestroyed.TrySetResult(true);
        await gone.DisposeAsync();
        await goneDestroyed.Task.WithTimeout("the disposed renderer's Destroyed");

        // Act
        int sent = bridge.Main.Broadcast("news", "hello");
        foreach (TestRenderer r in got.Keys)
        {
            r.WebContents.Send("news", "marker");
        }

        deaf.WebContents.Send("marker", "marker");
        foreach (Recorder<string> rec in got.Values)
        {
            await rec.WaitFor("marker");
        }

        await deafGot.WaitFor("marker");

        // Assert
        sent.Should().Be(3);
        foreach (Recorder<string> rec in got.Values)
        {
            rec.Items.Should().Equal("hello", "marker");
        }

        // Main skipped the deaf endpoint: had it sent, the renderer would have dropped the frame and logged it (9).
        logs.Entries.Should().NotContain(l => l.EventId.Id == 9);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task MainProcess_BroadcastToKind_ReachesOnlyThatKind(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer window = await bridge.AddRendererAsync();
        TestRenderer work1 = await bridge.AddRendererAsync(kind: EndpointKind.Work);
        TestRenderer work2 = await bridge.AddRendererAsync(kind: EndpointKind.Work);
        var got = new[] { window, work1, work2 }.ToDictionary(r => r, _ => new Recorder<string>());
        foreach ((TestRenderer r, Recorder<string> rec) in got)
        {
            r.Ipc.On<string>("jobs", (e, s) => rec.Add(s));
        }

        // Act
        int toWork = bridge.Main.Broadcast(EndpointKind.Work, "jobs", "work only");
        int toWindows = bridge.Main.Broadcast(EndpointKind.Window, "jobs", "windows only");
        foreach (TestRenderer r in got.Keys)
        {
            r.WebContents.Send("jobs", "marker");
        }

        foreach (Recorder<string> rec in got.Values)
        {
            await rec.WaitFor("marker");
        }

        // Assert
        toWork.Should().Be(2);
        toWindows.Should().Be(1);
        got[window].Items.Should().Equal("windows only", "marker");
        got[work1].Items.Should().Equal("work only", "marker");
        got[work2].Items.Should().Equal("work only", "marker");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task MainProcess_BroadcastUncloneable_ThrowsAndSendsNothing(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync();
        var got = new Recorder<string>();
        renderer.Ipc.On("news", (e, a) => got.Add(a.ToString()));

        // Act
        Action act = () => bridge.Main.Broadcast("news", "ok", new Action(() => { }));

        // Assert
        act.Should().Throw<IpcSerializationException>();
        renderer.WebContents.Send("news", "marker");
        await got.WaitForCount(1);
        got.Items.Should().Equal("[\"marker\"]");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task WebContents_SendOnChannelTheEndpointMayNotReceive_ThrowsIpcAccessDeniedException(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync(ChannelAllowlist.DenyAll.AllowReceive("public:*"));

        // Act
        Action act = () => renderer.WebContents.Send("private", 1);

        // Assert
        IpcAccessDeniedException ex = act.Should().Throw<IpcAccessDeniedException>().Which;
        ex.Channel.Should().Be("private");
        ex.Operation.Should().Be(IpcOperation.Receive);
    }
}
