using System.Collections.Generic;
using IpcBridge.Serialization;

namespace IpcBridge;

/// <summary>What an <see cref="IpcRenderer"/> listener receives with a message from main.</summary>
public sealed class IpcRendererEvent : IIpcCapability
{
    internal IpcRendererEvent(IpcRenderer sender, string channel, IReadOnlyList<MessagePortMain> ports)
    {
        this.Sender = sender;
        this.Channel = channel;
        this.Ports = ports;
    }

    /// <summary>Gets the <see cref="IpcRenderer"/> that received the message (Electron's <c>event.sender</c>), for answering.</summary>
    public IpcRenderer Sender { get; }

    /// <summary>Gets the channel.</summary>
    public string Channel { get; }

    /// <summary>Gets the ports transferred with the message (empty when none were).</summary>
    public IReadOnlyList<MessagePortMain> Ports { get; }
}
