using System;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Tasks;
using IpcBridge.Tests.Core;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Typed;

/// <summary>The wire format is the untyped one, so typed and untyped endpoints talk on the same channels.</summary>
public class TypedInteropTests
{
    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task TypedSend_UntypedListener_SeesOneArgument(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var seen = Signal.Create<(int Count, Order Order)>();
        bridge.IpcMain.On("orders:placed", (e, a) => seen.TrySetResult((a.Count, a.Get<Order>(0))));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        renderer.Ipc.Send(TestChannels.OrderPlaced, new Order("T-1", 2));
        (int count, Order order) = await seen.Task.WithTimeout();

        // Assert
        count.Should().Be(1);
        order.Should().Be(new Order("T-1", 2));
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task UntypedSend_TypedListener_ReadsTheFirstArgument(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var seen = Signal.Create<Order>();
        bridge.IpcMain.On(TestChannels.OrderPlaced, (e, o) => seen.TrySetResult(o));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        renderer.Ipc.Send("orders:placed", new Order("U-1", 5));

        // Assert
        (await seen.Task.WithTimeout()).Should().Be(new Order("U-1", 5));
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task TypedAndUntypedInvokes_AreAnsweredByEitherKindOfHandler(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.Handle<Order, Receipt>("orders:checkout", (e, o) => new Receipt(o.OrderId, 1m));
        bridge.IpcMain.Handle(TestChannels.Doubler, (e, n) => n * 2);
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Receipt typedCaller = await renderer.Ipc.InvokeAsync(TestChannels.Checkout, new Order("I-1", 1)).WithTimeout();
        int untypedCaller = await renderer.Ipc.InvokeAsync<int>("math:double", 21).WithTimeout();

        // Assert
        typedCaller.Should().Be(new Receipt("I-1", 1m));
        untypedCaller.Should().Be(42);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task MainToRenderer_TypedAndUntypedEndsInteroperate(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var typedListener = new Recorder<string>();
        var untypedListener = new Recorder<string>();
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, cb) =>
        {
            ipc.On(TestChannels.Status, (e, s) => typedListener.Add(s));
            ipc.On("app:status", (e, a) => untypedListener.Add($"{a.Count}:{a.Get<string>(0)}"));
            ipc.Handle<int>("math:double", (e, a) => a.Get<int>(0) * 2);
            ipc.Handle(TestChannels.Checkout, (e, o) => new Receipt(o.OrderId, 2m));
        });

        // Act
        renderer.WebContents.Send(TestChannels.Status, "typed");
        renderer.WebContents.Send("app:status", "untyped");
        int typedCaller = await renderer.WebContents.InvokeAsync(TestChannels.Doubler, 4).WithTimeout();
        Receipt untypedCaller = await renderer.WebContents.InvokeAsync<Receipt>("orders:checkout", new Order("W-1", 1)).WithTimeout();
        await typedListener.WaitForCount(2);
        await untypedListener.WaitForCount(2);

        // Assert
        typedListener.Items.Should().Equal("typed", "untyped");
        untypedListener.Items.Should().Equal("1:typed", "1:untyped");
        typedCaller.Should().Be(8);
        untypedCaller.Should().Be(new Receipt("W-1", 2m));
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task TypedChannel_WritesWithItsOwnMetadata_NamingPolicyShowsOnTheWire(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var raw = Signal.Create<string>();
        bridge.IpcMain.On("orders:snake", (e, a) => raw.TrySetResult(a.ToString()));
        bridge.IpcMain.Handle<JsonElement>("orders:snake-checkout", (e, a) =>
        {
            JsonElement order = a.Get<JsonElement>(0);
            return JsonDocument.Parse($$"""{"order_id":"{{order.GetProperty("order_id").GetString()}}","total":{{order.GetProperty("quantity").GetInt32()}}}""").RootElement;
        });
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        renderer.Ipc.Send(TestChannels.SnakeOrder, new Order("S-1", 3));
        Receipt receipt = await renderer.Ipc.InvokeAsync(TestChannels.SnakeCheckout, new Order("S-2", 4)).WithTimeout();

        // Assert
        (await raw.Task.WithTimeout()).Should().Be("""[{"order_id":"S-1","quantity":3}]""");
        receipt.Should().Be(new Receipt("S-2", 4m), "the response was read with the snake_case metadata too");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task TypedListener_UnreadableMessage_IsLoggedAndSkippedAndLaterMessagesArrive(TransportKind transport)
    {
        // Arrange
        using var logs = new CapturingLoggerProvider();
        await using var bridge = Bridge.Create(transport, null, logs.CreateFactory());
        var orders = new Recorder<string>();
        bridge.IpcMain.On(TestChannels.OrderPlaced, (e, o) => orders.Add(o.OrderId));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        renderer.Ipc.Send("orders:placed", "not an order");
        renderer.Ipc.Send(TestChannels.OrderPlaced, new Order("after", 1));
        await orders.WaitForCount(1);

        // Assert
        orders.Items.Should().Equal("after");
        logs.Entries.Should().Contain(e => e.EventId.Id == 8 && e.Message.Contains("'orders:placed'") && e.Exception is IpcSerializationException);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task TypedInvoke_UnreadableResponse_ThrowsIpcSerializationExceptionNamingTheChannel(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.Handle<string>("orders:checkout", (e, a) => "not a receipt");
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Func<Task> act = () => renderer.Ipc.InvokeAsync(TestChannels.Checkout, new Order("B-1", 1)).WithTimeout();

        // Assert
        (await act.Should().ThrowAsync<IpcSerializationException>())
            .WithMessage($"Could not read the result of 'orders:checkout' as '{typeof(Receipt)}': *");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task TypedHandler_UnreadableRequest_CallerGetsIpcSerializationException(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bool ran = false;
        bridge.IpcMain.Handle(TestChannels.Checkout, (e, o) =>
        {
            ran = true;
            return new Receipt(o.OrderId, 1m);
        });
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Func<Task> act = () => renderer.Ipc.InvokeAsync<Receipt>("orders:checkout", 42).WithTimeout();

        // Assert
        (await act.Should().ThrowAsync<IpcSerializationException>()).WithMessage("*'orders:checkout'*argument 0*");
        ran.Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task TypedSend_MessageThatCannotBeSerialized_ThrowsAndSendsNothing(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var poison = new IpcChannel<Poison>("poison", PoisonJsonContext.Default.Poison);
        var arrived = new Recorder<string>();
        bridge.IpcMain.On("poison", (e, a) => arrived.Add("poison"));
        bridge.IpcMain.On(TestChannels.Status, (e, s) => arrived.Add(s));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Action send = () => renderer.Ipc.Send(poison, new Poison());
        Action broadcast = () => bridge.Main.Broadcast(poison, new Poison());
        Action toRenderer = () => renderer.WebContents.Send(poison, new Poison());
        renderer.Ipc.Send(TestChannels.Status, "marker");
        await arrived.WaitForCount(1);

        // Assert
        send.Should().Throw<IpcSerializationException>().WithMessage("An object could not be cloned: *poisoned*");
        broadcast.Should().Throw<IpcSerializationException>();
        toRenderer.Should().Throw<IpcSerializationException>();
        renderer.Ipc.Send(TestChannels.Status, "second marker");
        await arrived.WaitForCount(2);
        arrived.Items.Should().Equal("marker", "second marker");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcArgs_GetWithTypeInfo_ReadsWithThatMetadataAndReportsBadArguments(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var results = new Recorder<string>();
        bridge.IpcMain.On("args", (e, a) =>
        {
            results.Add(a.Get(0, SnakeCaseJsonContext.Default.Order).OrderId);
            try
            {
                a.Get(1, TypedJsonContext.Default.Int32);
            }
            catch (IpcSerializationException ex)
            {
                results.Add(ex.Message);
            }
        });
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        renderer.Ipc.Send("args", JsonDocument.Parse("""{"order_id":"G-1","quantity":1}""").RootElement, "not a number");
        await results.WaitForCount(2);

        // Assert
        results.Items[0].Should().Be("G-1");
        results.Items[1].Should().StartWith("Could not read argument 1 on channel 'args' as 'System.Int32'");
    }

    public sealed class Poison
    {
    }

    public sealed class PoisonConverter : JsonConverter<Poison>
    {
        public override Poison Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new JsonException("poisoned");

        public override void Write(Utf8JsonWriter writer, Poison value, JsonSerializerOptions options) => throw new JsonException("poisoned");
    }
}

[JsonSourceGenerationOptions(Converters = new[] { typeof(TypedInteropTests.PoisonConverter) })]
[JsonSerializable(typeof(TypedInteropTests.Poison))]
public sealed partial class PoisonJsonContext : JsonSerializerContext
{
}
