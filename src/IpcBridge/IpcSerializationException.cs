using System;

namespace IpcBridge;

/// <summary>
/// Thrown when a value cannot cross the serialization boundary: a delegate, task, stream, pointer, an IPC
/// object such as <see cref="IpcRenderer"/>, a <see cref="MessagePortMain"/> outside the transfer list, or a
/// payload that does not deserialize into the requested type. At the sender it is thrown before anything is sent
/// (Electron's "An object could not be cloned").
/// </summary>
public class IpcSerializationException : IpcException
{
    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What could not be serialized and why.</param>
    /// <param name="innerException">The serializer's exception, if any.</param>
    public IpcSerializationException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
