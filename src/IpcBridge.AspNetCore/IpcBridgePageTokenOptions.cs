using System;

namespace IpcBridge.AspNetCore;

/// <summary>Settings of the page tokens main issues when it serves a page (<see cref="IpcBridgePageTokens"/>).</summary>
public sealed class IpcBridgePageTokenOptions
{
    /// <summary>Gets or sets how long an issued token may wait for its page to connect. Default 5 minutes.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(5);
}
