using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IpcBridge.TrimTest;

/// <summary>
/// Capabilities read from configuration, validated at startup and granted to a window, in the trimmed app: the
/// configuration reader uses no reflection binding, so nothing it needs is trimmed away.
/// </summary>
internal static class CapabilityCheck
{
    /// <summary>Returns an empty string when the window got exactly its capability, else what went wrong.</summary>
    public static async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["IpcBridge:EndpointNames:0"] = "trim-*",
            ["IpcBridge:Capabilities:trim:Endpoints:0"] = "trim-*",
            ["IpcBridge:Capabilities:trim:Kind"] = "Window",
            ["IpcBridge:Capabilities:trim:Channels:Invoke:0"] = "trim:add",
            ["IpcBridge:Capabilities:trim:Contracts:Handle:0"] = "dialogs",
        }).Build();
        var services = new ServiceCollection();
        services.AddIpcBridge().AddCapabilities(configuration.GetSection("IpcBridge"));
        await using ServiceProvider provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        MainProcess main = provider.GetRequiredService<MainProcess>();

        await using RendererEndpoint window = await main.CreateWindowAsync(new RendererOptions { Name = "trim-1" }, cancellationToken).ConfigureAwait(false);
        ChannelAllowlist expected = ChannelAllowlist.DenyAll.AllowInvoke("trim:add").AllowHandle("dialogs.*");
        return window.WebContents.Allowlist.Equals(expected)
            ? string.Empty
            : $"the capability granted '{window.WebContents.Allowlist}' instead of '{expected}'";
    }
}
