using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace IpcBridge.Tests.Typed;

public sealed record Order(string OrderId, int Quantity);

public sealed record Receipt(string OrderId, decimal Total);

/// <summary>Source-generated metadata for the typed-channel tests, with the web defaults (camelCase) untyped endpoints use too.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(Receipt))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(List<int>))]
public sealed partial class TypedJsonContext : JsonSerializerContext
{
}

/// <summary>Metadata whose naming policy differs from the endpoints' defaults, so a test can see which metadata wrote a payload.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(Receipt))]
public sealed partial class SnakeCaseJsonContext : JsonSerializerContext
{
}

/// <summary>The channels the typed tests share, declared once as an application would.</summary>
public static class TestChannels
{
    public static readonly IpcChannel<Order> OrderPlaced = new("orders:placed", TypedJsonContext.Default.Order);

    public static readonly IpcChannel<string> Status = new("app:status", TypedJsonContext.Default.String);

    public static readonly IpcInvokeChannel<Order, Receipt> Checkout = new("orders:checkout", TypedJsonContext.Default.Order, TypedJsonContext.Default.Receipt);

    public static readonly IpcInvokeChannel<int, int> Doubler = new("math:double", TypedJsonContext.Default.Int32, TypedJsonContext.Default.Int32);

    public static readonly IpcChannel<Order> SnakeOrder = new("orders:snake", SnakeCaseJsonContext.Default.Order);

    public static readonly IpcInvokeChannel<Order, Receipt> SnakeCheckout = new("orders:snake-checkout", SnakeCaseJsonContext.Default.Order, SnakeCaseJsonContext.Default.Receipt);
}
