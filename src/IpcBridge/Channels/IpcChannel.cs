using System;

namespace IpcBridge;

/// <summary>
/// A one-way channel and the type of message it carries, seen without that type. Create an
/// <see cref="IpcChannel{T}"/>; this base lets allowlists take descriptors of any message type.
/// </summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public abstract class IpcChannel : IIpcChannel
{
    private protected IpcChannel(string name)
    {
        this.Name = ValidateName(name);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Gets the type of the message the channel carries.</summary>
    public abstract Type MessageType { get; }

    /// <inheritdoc />
    public override string ToString() => $"{this.Name} ({this.MessageType.Name})";

    /// <summary>Checks a descriptor's channel name: it must be a plain name, never an allowlist pattern.</summary>
    internal static string ValidateName(string name)
    {
        if (name is null)
        {
            throw new ArgumentNullException(nameof(name));
        }

        if (name.Length == 0)
        {
            throw new ArgumentException("A channel name must not be empty.", nameof(name));
        }

        // An allowlist reads '*' as a prefix wildcard; a descriptor granting access to itself must grant exactly itself.
        if (name.AsSpan().IndexOf('*') >= 0)
        {
            throw new ArgumentException($"Channel name '{name}' contains '*', which allowlists read as a wildcard.", nameof(name));
        }

        return name;
    }

    /// <summary>Refuses a payload type that can never cross an IPC boundary.</summary>
    internal static void ValidatePayloadType(Type type, string parameterName)
    {
        string? why = Serialization.UncloneableTypeConverterFactory.Describe(type);
        if (why is not null)
        {
            throw new ArgumentException($"'{type}' is {why} and cannot cross an IPC boundary, so no channel can carry it.", parameterName);
        }
    }
}
