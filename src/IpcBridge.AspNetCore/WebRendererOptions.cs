namespace IpcBridge.AspNetCore;

/// <summary>
/// Who a web page is once main accepted its connection: its name, kind and allowlist. Returned by
/// <see cref="IpcBridgeEndpointOptions.Accept"/> for each page.
/// </summary>
public sealed class WebRendererOptions
{
    /// <summary>Gets or sets a name for logs and diagnostics (<see cref="WebContents.Name"/>).</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets the endpoint's kind. Default <see cref="EndpointKind.Window"/>.</summary>
    public EndpointKind Kind { get; set; } = EndpointKind.Window;

    /// <summary>
    /// Gets or sets the channels the page may use, besides what the app's capabilities grant its name and kind (as for
    /// every endpoint). Default <see cref="ChannelAllowlist.DenyAll"/>: a page can do nothing until it is granted
    /// channels. Main enforces the result on every frame; the page's client checks it too, from the welcome.
    /// </summary>
    public ChannelAllowlist Allowlist { get; set; } = ChannelAllowlist.DenyAll;
}
