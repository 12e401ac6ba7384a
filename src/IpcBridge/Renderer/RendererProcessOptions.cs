using System;
using Microsoft.Extensions.Logging;

namespace IpcBridge;

/// <summary>How an endpoint in its own process connects to main (see <see cref="RendererProcess"/>).</summary>
public sealed class RendererProcessOptions
{
    /// <summary>Gets or sets the preload code, run once with the endpoint's <see cref="IpcRenderer"/> and <see cref="ContextBridge"/> before <c>ConnectAsync</c> returns.</summary>
    public Action<IpcRenderer, ContextBridge>? Preload { get; set; }

    /// <summary>Gets or sets this side's settings (timeouts, serializer, limits), copied when the endpoint connects. Default: the defaults.</summary>
    public IpcBridgeOptions Options { get; set; } = new();

    /// <summary>Gets or sets where diagnostics go, or <see langword="null"/> for nowhere.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// Gets or sets the launch token to present, for <see cref="RendererProcess.ConnectAsync(System.IO.Stream, RendererProcessOptions, System.Threading.CancellationToken)"/>.
    /// A child launched by main finds its token in its environment.
    /// </summary>
    public string? LaunchToken { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether a child launched by main ends its own process when the link to main is
    /// gone (main exited, crashed, or closed it), so no child outlives main. Default <see langword="true"/>. Applies only
    /// to <c>RendererProcess.ConnectAsync(RendererProcessOptions, CancellationToken)</c>.
    /// </summary>
    public bool ExitWhenMainGone { get; set; } = true;
}
