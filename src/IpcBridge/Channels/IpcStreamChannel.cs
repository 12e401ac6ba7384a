using System;

namespace IpcBridge;

/// <summary>
/// A channel whose handler answers a request with a stream of items, seen without its types. Create an
/// <see cref="IpcStreamChannel{TRequest, TItem}"/>; this base lets allowlists take descriptors of any types.
/// </summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public abstract class IpcStreamChannel : IIpcChannel
{
    private protected IpcStreamChannel(string name)
    {
        this.Name = IpcChannel.ValidateName(name);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Gets the request type.</summary>
    public abstract Type RequestType { get; }

    /// <summary>Gets the type of the streamed items.</summary>
    public abstract Type ItemType { get; }

    /// <inheritdoc />
    public override string ToString() => $"{this.Name} ({this.RequestType.Name} -> stream of {this.ItemType.Name})";
}
