using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IpcBridge.Tests.Capabilities;

/// <summary>A configuration change reaches endpoints created after it, and never changes a live endpoint's rights.</summary>
public class CapabilityReloadTests
{
    [Fact]
    public async Task Reload_WiderCapability_ReachesNewEndpointsButNeverWidensALiveOne()
    {
        // Arrange
        IConfigurationRoot configuration = Configuration(("IpcBridge:Capabilities:app:Channels:Invoke:0", "a"));
        await using ServiceProvider provider = CapabilityFiles.Provider(configuration);
        MainProcess main = provider.GetRequiredService<MainProcess>();
        main.IpcMain.Handle("a", (e, args) => "a");
        main.IpcMain.Handle("b", (e, args) => "b");
        IpcRenderer? before = null;
        await using RendererEndpoint early = await main.CreateWindowAsync(new RendererOptions { Name = "w", Preload = (i, _) => before = i });

        // Act: the file now grants "b" as well.
        configuration["IpcBridge:Capabilities:app:Channels:Invoke:1"] = "b";
        configuration.Reload();
        IpcRenderer? after = null;
        await using RendererEndpoint late = await main.CreateWindowAsync(new RendererOptions { Name = "w", Preload = (i, _) => after = i });

        // Assert
        early.WebContents.Allowlist.IsAllowed(IpcOperation.Invoke, "b").Should().BeFalse();
        main.GetPolicy(early.WebContents).Allowlist.IsAllowed(IpcOperation.Invoke, "b").Should().BeFalse();
        await FluentActions.Awaiting(() => before!.InvokeAsync<string>("b").WithTimeout()).Should().ThrowAsync<IpcAccessDeniedException>();
        (await before!.InvokeAsync<string>("a").WithTimeout()).Should().Be("a");

        late.WebContents.Allowlist.Should().Be(ChannelAllowlist.DenyAll.AllowInvoke("a", "b"));
        (await after!.InvokeAsync<string>("b").WithTimeout()).Should().Be("b");
        main.GetPolicy("w", EndpointKind.Window).Allowlist.IsAllowed(IpcOperation.Invoke, "b").Should().BeTrue();
    }

    [Fact]
    public async Task Reload_NarrowerCapability_ReachesNewEndpointsAndLeavesALiveOneAsGranted()
    {
        // Arrange
        IConfigurationRoot configuration = Configuration(("IpcBridge:Capabilities:app:Channels:Send:0", "a"));
        await using ServiceProvider provider = CapabilityFiles.Provider(configuration);
        MainProcess main = provider.GetRequiredService<MainProcess>();
        await using RendererEndpoint early = await main.CreateWindowAsync(new RendererOptions { Name = "w" });

        // Act: "a" becomes "c".
        configuration["IpcBridge:Capabilities:app:Channels:Send:0"] = "c";
        configuration.Reload();
        await using RendererEndpoint late = await main.CreateWindowAsync(new RendererOptions { Name = "w" });

        // Assert
        early.WebContents.Allowlist.Should().Be(ChannelAllowlist.DenyAll.AllowSend("a"));
        late.WebContents.Allowlist.Should().Be(ChannelAllowlist.DenyAll.AllowSend("c"));
    }

    [Fact]
    public async Task Reload_InvalidConfiguration_KeepsTheLastValidPolicy()
    {
        // Arrange
        IConfigurationRoot configuration = Configuration(("IpcBridge:Capabilities:app:Channels:Send:0", "a"));
        await using ServiceProvider provider = CapabilityFiles.Provider(configuration);
        MainProcess main = provider.GetRequiredService<MainProcess>();
        IpcCapabilityPolicy valid = main.Capabilities;

        // Act: a malformed pattern. The options monitor refuses the new options, and says so to whoever reloaded.
        configuration["IpcBridge:Capabilities:app:Channels:Send:1"] = "a*b";
        Action reload = configuration.Reload;

        // Assert
        reload.Should().Throw<Exception>().Which.ToString().Should().Contain("IpcBridge:Capabilities:app:Channels:Send:1");
        main.Capabilities.Should().BeSameAs(valid);
        await using RendererEndpoint late = await main.CreateWindowAsync(new RendererOptions { Name = "w" });
        late.WebContents.Allowlist.Should().Be(ChannelAllowlist.DenyAll.AllowSend("a"));
    }

    private static IConfigurationRoot Configuration(params (string Key, string Value)[] grants)
    {
        var values = new Dictionary<string, string?> { ["IpcBridge:Capabilities:app:Endpoints:0"] = "w" };
        foreach ((string key, string value) in grants)
        {
            values[key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }
}
