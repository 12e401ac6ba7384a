using System;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Typed;

public class TypedAllowlistTests
{
    [Fact]
    public void ChannelAllowlist_FromDescriptors_GrantsExactlyEachNameForItsOperation()
    {
        // Arrange
        ChannelAllowlist list = ChannelAllowlist.DenyAll
            .AllowSend(TestChannels.OrderPlaced)
            .AllowReceive(TestChannels.Status)
            .AllowInvoke(TestChannels.Checkout)
            .AllowHandle(TestChannels.Doubler)
            .AllowPorts(TestChannels.SnakeOrder)
            .Allow(IpcOperation.SendSync, TestChannels.SnakeCheckout);

        // Act / Assert
        list.IsAllowed(IpcOperation.Send, TestChannels.OrderPlaced).Should().BeTrue();
        list.IsAllowed(IpcOperation.Receive, TestChannels.OrderPlaced).Should().BeFalse();
        list.IsAllowed(IpcOperation.Send, "orders:placed-too").Should().BeFalse("a descriptor grants its exact name, not a prefix");
        list.IsAllowed(IpcOperation.Receive, TestChannels.Status).Should().BeTrue();
        list.IsAllowed(IpcOperation.Invoke, TestChannels.Checkout).Should().BeTrue();
        list.IsAllowed(IpcOperation.Handle, TestChannels.Checkout).Should().BeFalse();
        list.IsAllowed(IpcOperation.Handle, TestChannels.Doubler).Should().BeTrue();
        list.IsAllowed(IpcOperation.Ports, TestChannels.SnakeOrder).Should().BeTrue();
        list.IsAllowed(IpcOperation.SendSync, TestChannels.SnakeCheckout).Should().BeTrue();
        list.IsAllowed(IpcOperation.Send, "orders:placed").Should().BeTrue("descriptors and names are one channel");
    }

    [Fact]
    public void ChannelAllowlist_NullDescriptor_Throws()
    {
        // Act
        Action nullArray = () => ChannelAllowlist.DenyAll.AllowSend((IpcChannel[])null!);
        Action nullItem = () => ChannelAllowlist.DenyAll.AllowInvoke(TestChannels.Checkout, null!);
        Action nullCheck = () => ChannelAllowlist.DenyAll.IsAllowed(IpcOperation.Send, (IIpcChannel)null!);

        // Assert
        nullArray.Should().Throw<ArgumentNullException>();
        nullItem.Should().Throw<ArgumentNullException>();
        nullCheck.Should().Throw<ArgumentNullException>();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcRenderer_TypedChannelsOutsideDescriptorAllowlist_AreRefusedBeforeSending(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.Handle(TestChannels.Checkout, (e, o) => new Receipt(o.OrderId, 1m));
        bridge.IpcMain.Handle(TestChannels.Doubler, (e, n) => n * 2);
        var placed = Signal.Create<Order>();
        bridge.IpcMain.On(TestChannels.OrderPlaced, (e, o) => placed.TrySetResult(o));
        ChannelAllowlist list = ChannelAllowlist.DenyAll
            .AllowSend(TestChannels.OrderPlaced)
            .AllowReceive(TestChannels.Status)
            .AllowInvoke(TestChannels.Checkout);
        TestRenderer renderer = await bridge.AddRendererAsync(list);

        // Act
        renderer.Ipc.Send(TestChannels.OrderPlaced, new Order("ok", 1));
        Receipt receipt = await renderer.Ipc.InvokeAsync(TestChannels.Checkout, new Order("ok", 1)).WithTimeout();
        Action sendDenied = () => renderer.Ipc.Send(TestChannels.Status, "not mine to send");
        Func<Task> invokeDenied = () => renderer.Ipc.InvokeAsync(TestChannels.Doubler, 1).WithTimeout();
        Action listenDenied = () => renderer.Ipc.On(TestChannels.OrderPlaced, (e, o) => { });
        Action handleDenied = () => renderer.Ipc.Handle(TestChannels.Doubler, (e, n) => n);
        Action mainSendDenied = () => renderer.WebContents.Send(TestChannels.OrderPlaced, new Order("no", 1));
        Func<Task> mainInvokeDenied = () => renderer.WebContents.InvokeAsync(TestChannels.Doubler, 1).WithTimeout();

        // Assert
        (await placed.Task.WithTimeout()).OrderId.Should().Be("ok");
        receipt.OrderId.Should().Be("ok");
        sendDenied.Should().Throw<IpcAccessDeniedException>().Which.Operation.Should().Be(IpcOperation.Send);
        (await invokeDenied.Should().ThrowAsync<IpcAccessDeniedException>()).Which.Channel.Should().Be("math:double");
        listenDenied.Should().Throw<IpcAccessDeniedException>().Which.Operation.Should().Be(IpcOperation.Receive);
        handleDenied.Should().Throw<IpcAccessDeniedException>().Which.Operation.Should().Be(IpcOperation.Handle);
        mainSendDenied.Should().Throw<IpcAccessDeniedException>().Which.Operation.Should().Be(IpcOperation.Receive);
        (await mainInvokeDenied.Should().ThrowAsync<IpcAccessDeniedException>()).Which.Operation.Should().Be(IpcOperation.Handle);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task WebContents_TypedChannelsInsideDescriptorAllowlist_ReachTheRenderer(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var status = Signal.Create<string>();
        ChannelAllowlist list = ChannelAllowlist.DenyAll.AllowReceive(TestChannels.Status).AllowHandle(TestChannels.Doubler);
        TestRenderer renderer = await bridge.AddRendererAsync(list, (ipc, cb) =>
        {
            ipc.On(TestChannels.Status, (e, s) => status.TrySetResult(s));
            ipc.Handle(TestChannels.Doubler, (e, n) => n * 2);
        });

        // Act
        renderer.WebContents.Send(TestChannels.Status, "hello");
        int doubled = await renderer.WebContents.InvokeAsync(TestChannels.Doubler, 5).WithTimeout();

        // Assert
        (await status.Task.WithTimeout()).Should().Be("hello");
        doubled.Should().Be(10);
    }
}
