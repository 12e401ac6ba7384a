using IpcBridge.Protocol;

namespace IpcBridge.Ports;

/// <summary>Main's hook: the two ends of a port pair now live behind two different links, so a direct link may serve them better.</summary>
internal interface IPortBroker
{
    void PairSplit(long port, IpcConnection portLink, long partner, IpcConnection partnerLink);
}
