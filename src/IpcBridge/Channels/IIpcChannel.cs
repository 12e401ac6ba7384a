namespace IpcBridge;

/// <summary>
/// A typed channel descriptor, seen without its payload types: what an allowlist needs to know about it.
/// Implemented by <see cref="IpcChannel{T}"/> and <see cref="IpcInvokeChannel{TRequest, TResponse}"/>.
/// </summary>
public interface IIpcChannel
{
    /// <summary>Gets the channel's name, as it travels on the wire and as an untyped endpoint addresses it.</summary>
    string Name { get; }
}
