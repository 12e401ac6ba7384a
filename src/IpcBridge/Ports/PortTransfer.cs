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
}
