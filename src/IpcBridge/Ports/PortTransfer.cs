using System;
using System.Collections.Generic;

namespace IpcBridge.Ports;

/// <summary>Checks a transfer list before anything is sent, as the web's structured clone does.</summary>
internal static class PortTransfer
{
    public static MessagePortMain[] Validate(IEnumerable<MessagePortMain>? transfer, MessagePortMain? through)
    {
        if (transfer is null)
        {
            return Array.Empty<MessagePortMain>();
        }

        var ports = new List<MessagePortMain>();
        var seen = new HashSet<long>();
        foreach (MessagePortMain? port in transfer)
        {
            if (port is null)
            {
                throw new ArgumentException("The transfer list contains null.", nameof(transfer));
            }

            if (through is not null && (port.Id == through.Id || port.Id == through.PartnerId))
            {
                throw new ArgumentException("A port cannot be transferred through itself or through its entangled partner.", nameof(transfer));
            }

            if (!seen.Add(port.Id))
            {
                throw new ArgumentException("The same port is listed twice in the transfer list.", nameof(transfer));
            }

            port.ThrowIfNotTransferable();
            ports.Add(port);
        }

        return ports.ToArray();
    }

    /// <summary>
    /// Brackets the hand-over of validated ports (<c>using</c> the result around the send): each port stops delivering
    /// where it is and lets a handler already running on another thread finish, so no message is handled at the old
    /// place after one at the new place. See <see cref="MessagePortMain.BeginTransfer"/>.
    /// </summary>
    public static HandOver Begin(MessagePortMain[] ports)
    {
        foreach (MessagePortMain port in ports)
        {
            port.BeginTransfer();
        }

        return new HandOver(ports);
    }

    /// <summary>Ends a hand-over begun by <see cref="Begin"/>; a port the send did not take delivers where it is again.</summary>
    public readonly struct HandOver : IDisposable
    {
        private readonly MessagePortMain[] ports;

        public HandOver(MessagePortMain[] ports) => this.ports = ports;

        public void Dispose()
        {
            foreach (MessagePortMain port in this.ports ?? Array.Empty<MessagePortMain>())
            {
                port.EndTransfer();
            }
        }
    }
}
