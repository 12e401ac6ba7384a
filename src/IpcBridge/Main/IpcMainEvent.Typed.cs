namespace IpcBridge;

/// <content>Replies on typed channels (<see cref="IpcChannel{T}"/>).</content>
public sealed partial class IpcMainEvent
{
    /// <summary>Sends a message on <paramref name="channel"/> back to the endpoint that sent this event (Electron's <c>event.reply</c>).</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="message">The message.</param>
    /// <exception cref="System.ArgumentNullException"><paramref name="channel"/> is <see langword="null"/>.</exception>
    /// <exception cref="IpcAccessDeniedException">The sender's allowlist does not let it receive on <paramref name="channel"/>.</exception>
    /// <exception cref="IpcSerializationException">The message cannot be serialized.</exception>
    /// <exception cref="IpcDisconnectedException">The sender is gone.</exception>
    public void Reply<T>(IpcChannel<T> channel, T message) => this.Sender.Send(channel, message);
}
