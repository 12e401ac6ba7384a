using System;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization.Metadata;
using IpcBridge.Serialization;

namespace IpcBridge.Protocol;

/// <summary>
/// A received message's arguments before anyone asked for them as an <see cref="IpcArgs"/>: typed listeners read their
/// arguments straight from the payload, so a message that only typed listeners receive allocates no <see cref="IpcArgs"/>.
/// </summary>
internal readonly struct ReceivedArgs
{
    private readonly ReadOnlyMemory<byte> payload;
    private readonly PayloadSerializer serializer;
    private readonly string channel;

    public ReceivedArgs(ReadOnlyMemory<byte> payload, PayloadSerializer serializer, string channel)
    {
        this.payload = payload;
        this.serializer = serializer;
        this.channel = channel;
    }

    /// <summary>Makes the <see cref="IpcArgs"/> an untyped listener receives.</summary>
    public IpcArgs ToArgs() => new(this.payload, this.serializer, this.channel);

    /// <summary>Reads an argument for a typed listener; a failure is marked as the listener's arguments being unreadable.</summary>
    [RequiresUnreferencedCode(ReflectionMessages.ArgsUnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.ArgsDynamicCode)]
    public T GetForListener<T>(int index)
    {
        try
        {
            return this.serializer.Deserialize<T>(IpcArgs.SliceOf(this.payload, index, this.channel), $"argument {index} on channel '{this.channel}'");
        }
        catch (IpcSerializationException ex)
        {
            throw new ListenerArgumentException(ex);
        }
    }

    /// <summary>Reads an argument for a typed listener with source-generated metadata.</summary>
    public T GetForListener<T>(int index, JsonTypeInfo<T> typeInfo)
    {
        try
        {
            return PayloadSerializer.Deserialize(IpcArgs.SliceOf(this.payload, index, this.channel), typeInfo, $"argument {index} on channel '{this.channel}'");
        }
        catch (IpcSerializationException ex)
        {
            throw new ListenerArgumentException(ex);
        }
    }
}
