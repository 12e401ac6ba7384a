using System;

namespace IpcBridge;

/// <summary>How main launches a child process as an endpoint (see <c>MainProcess.LaunchAsync</c>).</summary>
public sealed class LaunchOptions
{
    /// <summary>Gets or sets the endpoint's kind. Default <see cref="EndpointKind.Work"/>.</summary>
    public EndpointKind Kind { get; set; } = EndpointKind.Work;

    /// <summary>Gets or sets the channels the endpoint may use. Default <see cref="ChannelAllowlist.DenyAll"/>.</summary>
    public ChannelAllowlist Allowlist { get; set; } = ChannelAllowlist.DenyAll;

    /// <summary>Gets or sets a name for logs and diagnostics.</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets how long the child may take to start and connect. Default 30 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how long the child may take to exit by itself once its link is gone (closed by
    /// <see cref="MainProcess.DisposeAsync"/>, by <see cref="WebContents.Close"/>, or by the child) before main kills it,
    /// so that no child outlives its link. A child that broke the protocol is killed at once. Default 5 seconds.
    /// </summary>
    public TimeSpan ExitTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
