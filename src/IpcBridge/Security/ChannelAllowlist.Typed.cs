using System;

namespace IpcBridge;

/// <content>Rules taken from typed channel descriptors: each grants exactly the descriptor's channel name.</content>
public sealed partial class ChannelAllowlist
{
    /// <summary>Returns a new list that also permits <paramref name="operations"/> on exactly the given channels.</summary>
    /// <param name="operations">The operations to permit.</param>
    /// <param name="channels">The channel descriptors.</param>
    /// <returns>A new list.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="channels"/> or one of its items is <see langword="null"/>.</exception>
    public ChannelAllowlist Allow(IpcOperation operations, params IIpcChannel[] channels) => this.Allow(operations, Names(channels));

    /// <summary>Returns a new list that also lets the endpoint send messages to main (<see cref="IpcOperation.Send"/>) on the channels.</summary>
    /// <param name="channels">The channel descriptors.</param>
    /// <returns>A new list.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="channels"/> or one of its items is <see langword="null"/>.</exception>
    public ChannelAllowlist AllowSend(params IpcChannel[] channels) => this.Allow(IpcOperation.Send, Names(channels));

    /// <summary>Returns a new list that also lets the endpoint receive messages from main (<see cref="IpcOperation.Receive"/>) on the channels.</summary>
    /// <param name="channels">The channel descriptors.</param>
    /// <returns>A new list.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="channels"/> or one of its items is <see langword="null"/>.</exception>
    public ChannelAllowlist AllowReceive(params IpcChannel[] channels) => this.Allow(IpcOperation.Receive, Names(channels));

    /// <summary>Returns a new list that also lets the endpoint carry ports (<see cref="IpcOperation.Ports"/>) on the channels.</summary>
    /// <param name="channels">The channel descriptors.</param>
    /// <returns>A new list.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="channels"/> or one of its items is <see langword="null"/>.</exception>
    public ChannelAllowlist AllowPorts(params IpcChannel[] channels) => this.Allow(IpcOperation.Ports, Names(channels));

    /// <summary>Returns a new list that also lets the endpoint invoke main's handlers (<see cref="IpcOperation.Invoke"/>) on the channels.</summary>
    /// <param name="channels">The channel descriptors.</param>
    /// <returns>A new list.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="channels"/> or one of its items is <see langword="null"/>.</exception>
    public ChannelAllowlist AllowInvoke(params IpcInvokeChannel[] channels) => this.Allow(IpcOperation.Invoke, Names(channels));

    /// <summary>Returns a new list that also lets the endpoint answer main's invokes (<see cref="IpcOperation.Handle"/>) on the channels.</summary>
    /// <param name="channels">The channel descriptors.</param>
    /// <returns>A new list.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="channels"/> or one of its items is <see langword="null"/>.</exception>
    public ChannelAllowlist AllowHandle(params IpcInvokeChannel[] channels) => this.Allow(IpcOperation.Handle, Names(channels));

    /// <summary>Returns a new list that also lets the endpoint read main's streams (<see cref="IpcOperation.Invoke"/>) on the channels.</summary>
    /// <param name="channels">The channel descriptors.</param>
    /// <returns>A new list.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="channels"/> or one of its items is <see langword="null"/>.</exception>
    public ChannelAllowlist AllowInvoke(params IpcStreamChannel[] channels) => this.Allow(IpcOperation.Invoke, Names(channels));

    /// <summary>Returns a new list that also lets the endpoint answer main's stream calls (<see cref="IpcOperation.Handle"/>) on the channels.</summary>
    /// <param name="channels">The channel descriptors.</param>
    /// <returns>A new list.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="channels"/> or one of its items is <see langword="null"/>.</exception>
    public ChannelAllowlist AllowHandle(params IpcStreamChannel[] channels) => this.Allow(IpcOperation.Handle, Names(channels));

    /// <summary>Gets a value indicating whether every operation in <paramref name="operation"/> is permitted on <paramref name="channel"/>.</summary>
    /// <param name="operation">One or more operations; all must be permitted.</param>
    /// <param name="channel">The channel descriptor.</param>
    /// <returns><see langword="true"/> when permitted.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="channel"/> is <see langword="null"/>.</exception>
    public bool IsAllowed(IpcOperation operation, IIpcChannel channel)
        => this.IsAllowed(operation, (channel ?? throw new ArgumentNullException(nameof(channel))).Name);

    // A descriptor's name never holds '*' (its constructor refuses it), so each becomes an exact-name rule.
    private static string[] Names(IIpcChannel[] channels)
    {
        if (channels is null)
        {
            throw new ArgumentNullException(nameof(channels));
        }

        var names = new string[channels.Length];
        for (int i = 0; i < channels.Length; i++)
        {
            names[i] = (channels[i] ?? throw new ArgumentNullException(nameof(channels), $"Channel {i} is null.")).Name;
        }

        return names;
    }
}
