using System;

namespace IpcBridge.Protocol;

/// <summary>
/// Raised by a typed listener's wrapper when the message's arguments do not read as the listener's parameter types,
/// so that this is told apart from a serialization error inside the listener's own code.
/// </summary>
internal sealed class ListenerArgumentException : Exception
{
    public ListenerArgumentException(IpcSerializationException inner)
        : base(inner.Message, inner)
    {
    }
}
