using System;
using IpcBridge.Serialization;

namespace IpcBridge;

/// <content>Broadcasts on typed channels (<see cref="IpcChannel{T}"/>).</content>
public sealed partial class MainProcess
{
    /// <summary>
    /// Sends a message on <paramref name="channel"/> to every live endpoint whose allowlist lets it receive there,
    /// exactly once each. The message is serialized once.
    /// </summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="message">The message.</param>
    /// <returns>How many endpoints it was sent to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> is <see langword="null"/>.</exception>
    /// <exception cref="IpcSerializationException">The message cannot be serialized; nothing was sent.</exception>
    public int Broadcast<T>(IpcChannel<T> channel, T message) => this.BroadcastTyped(null, channel, message);

    /// <summary>Sends a message on <paramref name="channel"/> to every live endpoint of <paramref name="kind"/> that may receive there.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="kind">The kind of endpoint to reach.</param>
    /// <param name="channel">The channel.</param>
    /// <param name="message">The message.</param>
    /// <returns>How many endpoints it was sent to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> is <see langword="null"/>.</exception>
    /// <exception cref="IpcSerializationException">The message cannot be serialized; nothing was sent.</exception>
    public int Broadcast<T>(EndpointKind kind, IpcChannel<T> channel, T message) => this.BroadcastTyped(kind, channel, message);

    private int BroadcastTyped<T>(EndpointKind? kind, IpcChannel<T> channel, T message)
    {
        if (channel is null)
        {
            throw new ArgumentNullException(nameof(channel));
        }

        ReadOnlyMemory<byte> payload = PayloadSerializer.SerializeArg(message, channel.ResolveTypeInfo(this.Serializer));
        return this.BroadcastFrame(kind, new Protocol.Frame(Protocol.FrameKind.Send, 0, channel.Name, payload));
    }
}
