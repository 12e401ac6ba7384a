using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Typed;

public class ChannelDescriptorTests
{
    [Theory]
    [InlineData("")]
    [InlineData("orders:*")]
    [InlineData("a*b")]
    public void IpcChannel_NameEmptyOrWithWildcard_Throws(string name)
    {
        // Act
        Action one = () => _ = new IpcChannel<int>(name, TypedJsonContext.Default.Int32);
        Action invoke = () => _ = new IpcInvokeChannel<int, int>(name, TypedJsonContext.Default.Int32, TypedJsonContext.Default.Int32);
        Action stream = () => _ = new IpcStreamChannel<int, int>(name, TypedJsonContext.Default.Int32, TypedJsonContext.Default.Int32);

        // Assert
        one.Should().Throw<ArgumentException>().WithParameterName(nameof(name));
        invoke.Should().Throw<ArgumentException>().WithParameterName(nameof(name));
        stream.Should().Throw<ArgumentException>().WithParameterName(nameof(name));
    }

    [Fact]
    public void IpcChannel_NullNameOrTypeInfo_Throws()
    {
        // Act
        Action nullName = () => _ = new IpcChannel<int>(null!, TypedJsonContext.Default.Int32);
        Action nullInfo = () => _ = new IpcChannel<int>("n", null!);
        Action nullRequest = () => _ = new IpcInvokeChannel<int, int>("n", null!, TypedJsonContext.Default.Int32);
        Action nullResponse = () => _ = new IpcInvokeChannel<int, int>("n", TypedJsonContext.Default.Int32, null!);

        // Assert
        nullName.Should().Throw<ArgumentNullException>().WithParameterName("name");
        nullInfo.Should().Throw<ArgumentNullException>().WithParameterName("typeInfo");
        nullRequest.Should().Throw<ArgumentNullException>().WithParameterName("requestTypeInfo");
        nullResponse.Should().Throw<ArgumentNullException>().WithParameterName("responseTypeInfo");
    }

    [Fact]
    public void IpcChannel_TypeThatCannotCrossABoundary_Throws()
    {
        // Act
        Action callback = () => _ = new IpcChannel<Action>("cb");
        Action stream = () => _ = new IpcInvokeChannel<int, Stream>("st");
        Action task = () => _ = new IpcInvokeChannel<Task<int>, int>("t");

        // Assert
        callback.Should().Throw<ArgumentException>().WithMessage("*delegate*");
        stream.Should().Throw<ArgumentException>().WithMessage("*stream*");
        task.Should().Throw<ArgumentException>().WithMessage("*task*");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void IpcInvokeChannel_TimeoutNotPositive_Throws(int milliseconds)
    {
        // Act
        Action act = () => _ = new IpcInvokeChannel<int, int>("n", TypedJsonContext.Default.Int32, TypedJsonContext.Default.Int32, TimeSpan.FromMilliseconds(milliseconds));

        // Assert
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("timeout");
    }

    [Fact]
    public void Descriptors_ExposeNameTypesTimeoutAndMetadata()
    {
        // Arrange
        var timed = new IpcInvokeChannel<Order, Receipt>("t", TypedJsonContext.Default.Order, TypedJsonContext.Default.Receipt, TimeSpan.FromSeconds(2));
        var infinite = new IpcInvokeChannel<int, int>("i", TypedJsonContext.Default.Int32, TypedJsonContext.Default.Int32, Timeout.InfiniteTimeSpan);

        // Act / Assert
        TestChannels.OrderPlaced.Name.Should().Be("orders:placed");
        TestChannels.OrderPlaced.MessageType.Should().Be<Order>();
        TestChannels.OrderPlaced.TypeInfo.Should().BeSameAs(TypedJsonContext.Default.Order);
        TestChannels.OrderPlaced.ToString().Should().Be("orders:placed (Order)");
        timed.RequestType.Should().Be<Order>();
        timed.ResponseType.Should().Be<Receipt>();
        timed.RequestTypeInfo.Should().BeSameAs(TypedJsonContext.Default.Order);
        timed.ResponseTypeInfo.Should().BeSameAs(TypedJsonContext.Default.Receipt);
        timed.Timeout.Should().Be(TimeSpan.FromSeconds(2));
        timed.ToString().Should().Be("t (Order -> Receipt)");
        infinite.Timeout.Should().Be(Timeout.InfiniteTimeSpan);
        var stream = new IpcStreamChannel<int, Order>("s", TypedJsonContext.Default.Int32, TypedJsonContext.Default.Order);
        stream.RequestType.Should().Be<int>();
        stream.ItemType.Should().Be<Order>();
        stream.ItemTypeInfo.Should().BeSameAs(TypedJsonContext.Default.Order);
        stream.ToString().Should().Be("s (Int32 -> stream of Order)");
        TestChannels.Checkout.Timeout.Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task DescriptorsWithoutTypeInfo_UseTheEndpointsSerializerOptions(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var placed = new IpcChannel<Order>("reflected:placed");
        var checkout = new IpcInvokeChannel<Order, Receipt>("reflected:checkout");
        var seen = Signal.Create<Order>();
        var back = Signal.Create<Order>();
        bridge.IpcMain.On(placed, (e, o) =>
        {
            seen.TrySetResult(o);
            e.Sender.Send(placed, o with { Quantity = o.Quantity + 1 });
        });
        bridge.IpcMain.Handle(checkout, (e, o) => new Receipt(o.OrderId, o.Quantity));
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, cb) => ipc.On(placed, (e, o) => back.TrySetResult(o)));

        // Act
        renderer.Ipc.Send(placed, new Order("F-1", 1));
        Receipt receipt = await renderer.Ipc.InvokeAsync(checkout, new Order("F-2", 2)).WithTimeout();

        // Assert
        (await seen.Task.WithTimeout()).Should().Be(new Order("F-1", 1));
        (await back.Task.WithTimeout()).Should().Be(new Order("F-1", 2));
        receipt.Should().Be(new Receipt("F-2", 2m));
        placed.TypeInfo.Should().BeNull();
        checkout.RequestTypeInfo.Should().BeNull();
    }
}
