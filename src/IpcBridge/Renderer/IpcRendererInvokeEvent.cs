using System.Threading;
using IpcBridge.Serialization;

namespace IpcBridge;

/// <summary>What an <see cref="IpcRenderer"/> handler receives with a call from <see cref="WebContents.InvokeAsync{TResult}(string, object?[])"/>.</summary>
public sealed class IpcRendererInvokeEvent : IIpcCapability
{
    internal IpcRendererInvokeEvent(IpcRenderer sender, string channel, CancellationToken cancellationToken)
    {
        this.Sender = sender;
        this.Channel = channel;
        this.CancellationToken = cancellationToken;
    }

    /// <summary>Gets the <see cref="IpcRenderer"/> that received the call.</summary>
    public IpcRenderer Sender { get; }

    /// <summary>Gets the channel that was invoked.</summary>
    public string Channel { get; }

    /// <summary>Gets a token cancelled when main cancels the call, its time limit passes, or the link to main ends.</summary>
    public CancellationToken CancellationToken { get; }
}
