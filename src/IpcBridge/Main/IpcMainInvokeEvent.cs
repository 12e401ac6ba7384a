using System.Threading;
using IpcBridge.Serialization;

namespace IpcBridge;

/// <summary>What an <see cref="IpcMain"/> handler receives with a call from <see cref="IpcRenderer.InvokeAsync{TResult}(string, object?[])"/>.</summary>
public sealed class IpcMainInvokeEvent : IIpcCapability
{
    internal IpcMainInvokeEvent(WebContents sender, string channel, CancellationToken cancellationToken)
    {
        this.Sender = sender;
        this.Channel = channel;
        this.CancellationToken = cancellationToken;
    }

    /// <summary>Gets the endpoint that made the call.</summary>
    public WebContents Sender { get; }

    /// <summary>Gets the OS process id of the caller.</summary>
    public int ProcessId => this.Sender.ProcessId;

    /// <summary>Gets the kind of the caller.</summary>
    public EndpointKind Kind => this.Sender.Kind;

    /// <summary>Gets the channel that was invoked.</summary>
    public string Channel { get; }

    /// <summary>Gets a token cancelled when the caller cancels the call or its endpoint goes away.</summary>
    public CancellationToken CancellationToken { get; }
}
