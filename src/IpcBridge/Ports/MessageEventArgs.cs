using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using IpcBridge.Serialization;

namespace IpcBridge;

/// <summary>A message that arrived on a <see cref="MessagePortMain"/>.</summary>
public sealed class MessageEventArgs : EventArgs
{
    private readonly ReadOnlyMemory<byte> payload;
    private readonly PayloadSerializer serializer;

    internal MessageEventArgs(ReadOnlyMemory<byte> payload, PayloadSerializer serializer, IReadOnlyList<MessagePortMain> ports)
    {
        this.payload = payload;
        this.serializer = serializer;
        this.Ports = ports;
    }

    /// <summary>Gets the message as JSON.</summary>
    public JsonElement Data => PayloadSerializer.Deserialize(this.payload, PayloadJsonContext.Default.JsonElement, "a port message");

    /// <summary>Gets the ports transferred with the message (empty when none were).</summary>
    public IReadOnlyList<MessagePortMain> Ports { get; }

    /// <summary>Reads a fresh copy of the message as <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <returns>The message.</returns>
    /// <exception cref="IpcSerializationException">The message does not deserialize as <typeparamref name="T"/>.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.PortsUnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.PortsDynamicCode)]
    public T GetData<T>() => this.serializer.Deserialize<T>(this.payload, "a port message");
}
