namespace IpcBridge;

/// <summary>How main accepts an endpoint on a stream the caller opened (see <see cref="MainProcess.AttachAsync"/>).</summary>
public sealed class AttachOptions
{
    /// <summary>Gets or sets the endpoint's kind. Default <see cref="EndpointKind.Window"/>.</summary>
    public EndpointKind Kind { get; set; } = EndpointKind.Window;

    /// <summary>Gets or sets the channels the endpoint may use. Default <see cref="ChannelAllowlist.DenyAll"/>.</summary>
    public ChannelAllowlist Allowlist { get; set; } = ChannelAllowlist.DenyAll;

    /// <summary>Gets or sets a name for logs and diagnostics.</summary>
    public string? Name { get; set; }

    /// <summary>
    /// Gets or sets the token the endpoint must present in its hello, or <see langword="null"/> to accept any (when the
    /// stream itself is trusted).
    /// </summary>
    public string? LaunchToken { get; set; }
}
