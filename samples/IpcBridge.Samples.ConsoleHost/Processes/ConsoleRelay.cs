using System;
using System.Threading;

namespace IpcBridge.Samples.ConsoleHost;

/// <summary>
/// A child process's console, relayed into main's transcript (Electron shows it as the window's <c>console-message</c>).
/// Each line goes to main with <see cref="IpcRenderer.SendSync{TResult}(string, object?[])"/>: main has printed it
/// before the child goes on, so the transcript shows what the three processes did in the order it happened, even when
/// one step crosses from one child straight to the other over a MessagePort.
/// </summary>
internal sealed class ConsoleRelay
{
    private IpcRenderer? ipcRenderer;

    /// <summary>Child side: starts relaying through <paramref name="ipcRenderer"/>; call it first thing in the preload.</summary>
    /// <param name="ipcRenderer">The child's IPC.</param>
    public void Attach(IpcRenderer ipcRenderer) => Volatile.Write(ref this.ipcRenderer, ipcRenderer);

    /// <summary>Child side: prints a line in main's transcript, and returns once it is printed.</summary>
    /// <param name="text">The line.</param>
    /// <exception cref="InvalidOperationException">Called before <see cref="Attach"/>.</exception>
    public void Log(string text)
    {
        IpcRenderer ipc = Volatile.Read(ref this.ipcRenderer) ?? throw new InvalidOperationException("The console is not connected to main yet.");
        ipc.SendSync<bool>(HostChannels.Console, text);
    }

    /// <summary>Main side: prints what the children relay, each line under the party and the process id of its sender.</summary>
    /// <param name="ipcMain">Main's IPC.</param>
    /// <param name="transcript">The transcript.</param>
    public static void PrintTo(IpcMain ipcMain, Transcript transcript)
        => ipcMain.On<string>(HostChannels.Console, (e, text) =>
        {
            // Who printed it comes from the connection (the sender's kind and process id), never from the message.
            transcript.Write(e.Kind == EndpointKind.Work ? Party.Work : Party.Renderer, e.ProcessId, text);
            e.ReturnValue = true;
        });
}
