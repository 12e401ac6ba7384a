using System;

namespace IpcBridge;

/// <summary>How to create a renderer or work endpoint.</summary>
public sealed class RendererOptions
{
    /// <summary>Gets or sets a name for logs and diagnostics.</summary>
    public string? Name { get; set; }

    /// <summary>
    /// Gets or sets the channels the endpoint may use. Default <see cref="ChannelAllowlist.DenyAll"/>: a renderer can do
    /// nothing until it is granted channels.
    /// </summary>
    public ChannelAllowlist Allowlist { get; set; } = ChannelAllowlist.DenyAll;

    /// <summary>
    /// Gets or sets the preload code: it runs once, before page code, with the endpoint's <see cref="IpcRenderer"/> and
    /// <see cref="ContextBridge"/>, and exposes APIs to page code through <see cref="ContextBridge.ExposeInMainWorld{TApi}(string, TApi)"/>.
    /// </summary>
    public Action<IpcRenderer, ContextBridge>? Preload { get; set; }
}
