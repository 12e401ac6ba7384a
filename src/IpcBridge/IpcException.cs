using System;

namespace IpcBridge;

/// <summary>The base type of every exception IpcBridge throws for an IPC failure.</summary>
public class IpcException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public IpcException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public IpcException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
