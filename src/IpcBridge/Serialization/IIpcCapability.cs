namespace IpcBridge.Serialization;

/// <summary>
/// Marks the objects that carry IPC capabilities (<see cref="IpcRenderer"/>, <see cref="WebContents"/>, events,
/// bridges). They never serialize: neither into a message nor across the context bridge to page code.
/// </summary>
internal interface IIpcCapability
{
}
