using System;
using System.Threading.Tasks;
using IpcBridge.Tests.Core;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Typed;

public class TypedMessageTests
{
    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_OnTypedChannel_ReceivesTypedSendWithVerifiedSender(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var seen = Signal.Create<(Order Order, WebContents Sender)>();
        bridge.IpcMain.On(TestChannels.OrderPlaced, (e, order) => seen.TrySetResult((order, e.Sender)));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        renderer.Ipc.Send(TestChannels.OrderPlaced, new Order("A-1", 3));
        (Order order, WebContents sender) = await seen.Task.WithTimeout();

        // Assert
        order.Should().Be(new Order("A-1", 3));
        sender.Should().BeSameAs(renderer.WebContents);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_OnceTypedChannel_RunsForTheFirstMessageOnly(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var once = new Recorder<string>();
        var every = new Recorder<string>();
        bridge.IpcMain.Once(TestChannels.OrderPlaced, (e, o) => once.Add(o.OrderId));
        bridge.IpcMain.On(TestChannels.OrderPlaced, (e, o) => every.Add(o.OrderId));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        renderer.Ipc.Send(TestChannels.OrderPlaced, new Order("first", 1));
        renderer.Ipc.Send(TestChannels.OrderPlaced, new Order("second", 1));
        await every.WaitForCount(2);

        // Assert
        once.Items.Should().Equal("first");
        bridge.IpcMain.ListenerCount(TestChannels.OrderPlaced).Should().Be(1);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_RemoveListenerTypedChannel_StopsOnlyThatListener(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var removed = new Recorder<string>();
        var kept = new Recorder<string>();
        Action<IpcMainEvent, Order> toRemove = (e, o) => removed.Add(o.OrderId);
        bridge.IpcMain.On(TestChannels.OrderPlaced, toRemove);
        bridge.IpcMain.On(TestChannels.OrderPlaced, (e, o) => kept.Add(o.OrderId));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        bridge.IpcMain.RemoveListener(TestChannels.OrderPlaced, toRemove);
        renderer.Ipc.Send(TestChannels.OrderPlaced, new Order("after", 1));
        await kept.WaitForCount(1);

        // Assert
        removed.Items.Should().BeEmpty();
        bridge.IpcMain.ListenerCount(TestChannels.OrderPlaced).Should().Be(1);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcRenderer_OnOnceRemoveListenerTypedChannel_FollowEventEmitterSemantics(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var every = new Recorder<string>();
        var once = new Recorder<string>();
        var removed = new Recorder<string>();
        Action<IpcRendererEvent, string> toRemove = (e, s) => removed.Add(s);
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, cb) =>
        {
            ipc.On(TestChannels.Status, (e, s) => every.Add(s));
            ipc.Once(TestChannels.Status, (e, s) => once.Add(s));
            ipc.On(TestChannels.Status, toRemove);
        });

        // Act
        renderer.Ipc.RemoveListener(TestChannels.Status, toRemove);
        renderer.WebContents.Send(TestChannels.Status, "ready");
        renderer.WebContents.Send(TestChannels.Status, "busy");
        await every.WaitForCount(2);

        // Assert
        every.Items.Should().Equal("ready", "busy");
        once.Items.Should().Equal("ready");
        removed.Items.Should().BeEmpty();
        renderer.Ipc.ListenerCount(TestChannels.Status).Should().Be(1);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMainEvent_ReplyTypedChannel_ReachesTheSender(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.On(TestChannels.OrderPlaced, (e, o) => e.Reply(TestChannels.Status, $"placed {o.OrderId}"));
        var reply = Signal.Create<string>();
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, cb) => ipc.On(TestChannels.Status, (e, s) => reply.TrySetResult(s)));

        // Act
        renderer.Ipc.Send(TestChannels.OrderPlaced, new Order("R-9", 1));

        // Assert
        (await reply.Task.WithTimeout()).Should().Be("placed R-9");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task MainProcess_BroadcastTypedChannel_ReachesEachEndpointOnceAndFiltersByKind(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var windows = new Recorder<string>();
        var work = new Recorder<string>();
        await bridge.AddRendererAsync(preload: (ipc, cb) => ipc.On(TestChannels.Status, (e, s) => windows.Add("w1:" + s)));
        await bridge.AddRendererAsync(preload: (ipc, cb) => ipc.On(TestChannels.Status, (e, s) => windows.Add("w2:" + s)));
        await bridge.AddRendererAsync(kind: EndpointKind.Work, preload: (ipc, cb) => ipc.On(TestChannels.Status, (e, s) => work.Add(s)));
        await bridge.AddRendererAsync(ChannelAllowlist.DenyAll.AllowReceive("other"));

        // Act
        int toAll = bridge.Main.Broadcast(TestChannels.Status, "all");
        int toWork = bridge.Main.Broadcast(EndpointKind.Work, TestChannels.Status, "work only");
        int toWindows = bridge.Main.Broadcast(EndpointKind.Window, TestChannels.Status, "windows only");
        await windows.WaitForCount(4);
        await work.WaitForCount(2);

        // Assert
        toAll.Should().Be(3, "the fourth endpoint may not receive on the channel");
        toWork.Should().Be(1);
        toWindows.Should().Be(2);
        work.Items.Should().Equal("all", "work only");
        windows.Items.Should().BeEquivalentTo("w1:all", "w2:all", "w1:windows only", "w2:windows only");
    }
}
