using System;

namespace IpcBridge;

/// <summary>The operations a <see cref="ChannelAllowlist"/> grants per channel.</summary>
[Flags]
public enum IpcOperation
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Renderer to main, one way (<see cref="IpcRenderer.Send(string, object?[])"/>, <see cref="IpcRenderer.PostMessage"/>).</summary>
    Send = 1,

    /// <summary>Renderer to main, blocking (<see cref="IpcRenderer.SendSync(string, object?[])"/>).</summary>
    SendSync = 2,

    /// <summary>Renderer to main, request and response (<see cref="IpcRenderer.InvokeAsync{TResult}(string, object?[])"/>).</summary>
    Invoke = 4,

    /// <summary>Main to renderer (<see cref="WebContents.Send(string, object?[])"/>, replies, broadcasts, <see cref="WebContents.PostMessage"/>).</summary>
    Receive = 8,

    /// <summary>Carrying <see cref="MessagePortMain"/>s in either direction on the channel.</summary>
    Ports = 16,

    /// <summary>Main to renderer, request and response: the renderer answers <see cref="WebContents.InvokeAsync{TResult}(string, object?[])"/> with <see cref="IpcRenderer.Handle{TResult}(string, Func{IpcRendererInvokeEvent, IpcArgs, TResult})"/>.</summary>
    Handle = 32,

    /// <summary>Every operation.</summary>
    All = Send | SendSync | Invoke | Receive | Ports | Handle,
}
