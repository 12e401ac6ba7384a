using System;
using System.Threading;

namespace IpcBridge;

/// <summary>
/// A request/response channel and its types, seen without those types. Create an
/// <see cref="IpcInvokeChannel{TRequest, TResponse}"/>; this base lets allowlists take descriptors of any types.
/// </summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public abstract class IpcInvokeChannel : IIpcChannel
{
    private protected IpcInvokeChannel(string name, TimeSpan? timeout)
    {
        this.Name = IpcChannel.ValidateName(name);
        if (timeout is { } t && t != System.Threading.Timeout.InfiniteTimeSpan && (t <= TimeSpan.Zero || t.TotalMilliseconds > int.MaxValue - 1))
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), t, "A channel's timeout must be positive and finite, or Timeout.InfiniteTimeSpan.");
        }

        this.Timeout = timeout;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>
    /// Gets how long a call on this channel may take by default when the caller gives no timeout of its own, or
    /// <see langword="null"/> to use the endpoint's default.
    /// </summary>
    public TimeSpan? Timeout { get; }

    /// <summary>Gets the request type.</summary>
    public abstract Type RequestType { get; }

    /// <summary>Gets the response type.</summary>
    public abstract Type ResponseType { get; }

    /// <inheritdoc />
    public override string ToString() => $"{this.Name} ({this.RequestType.Name} -> {this.ResponseType.Name})";
}
