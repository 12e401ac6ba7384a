using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IpcBridge.Tests.Capabilities;

/// <summary>Capabilities read from configuration become the allowlists main grants, on both sides of every endpoint.</summary>
public class CapabilityBindingTests
{
    private const string Settings = """
        {
          "IpcBridge": {
            "Capabilities": {
              "settings": {
                "Description": "The settings window reads and writes settings.",
                "Endpoints": [ "settings" ],
                "Kind": "Window",
                "Channels": {
                  "Invoke": [ "settings:*" ],
                  "Receive": [ "settings:changed" ],
                  "send": [ "log" ]
                },
                "Contracts": { "Invoke": [ "clock" ] }
              }
            }
          }
        }
        """;

    [Fact]
    public async Task AddCapabilities_JsonFile_BindsEveryKindOfGrant()
    {
        // Arrange
        await using ServiceProvider provider = CapabilityFiles.Provider(Settings);
        MainProcess main = provider.GetRequiredService<MainProcess>();

        // Act
        IpcEndpointPolicy policy = main.GetPolicy("settings", EndpointKind.Window);

        // Assert
        policy.Capabilities.Should().Equal("settings");
        policy.FromCode.Should().Be(ChannelAllowlist.DenyAll);
        policy.Allowlist.Should().Be(ChannelAllowlist.DenyAll
            .AllowSend("log")
            .AllowInvoke("settings:*", "clock.*")
            .AllowReceive("settings:changed"));
        policy.Allowlist.IsAllowed(IpcOperation.Invoke, "settings:get").Should().BeTrue();
        policy.Allowlist.IsAllowed(IpcOperation.Invoke, "clock.NowAsync").Should().BeTrue("a contract name grants each of its methods' channels");
        policy.Allowlist.IsAllowed(IpcOperation.Invoke, "clockwork").Should().BeFalse();
        policy.Allowlist.IsAllowed(IpcOperation.Send, "settings:get").Should().BeFalse();
        main.Capabilities.CapabilityNames.Should().Equal("settings");
    }

    [Fact]
    public async Task AddCapabilities_CreatedWindow_IsGrantedItsCapabilityOnBothSides()
    {
        // Arrange
        await using ServiceProvider provider = CapabilityFiles.Provider(Settings);
        MainProcess main = provider.GetRequiredService<MainProcess>();
        main.IpcMain.Handle("settings:get", (e, a) => "dark");
        main.IpcMain.Handle("files:read", (e, a) => "secret");
        IpcRenderer? ipc = null;

        // Act
        await using RendererEndpoint window = await main.CreateWindowAsync(new RendererOptions { Name = "settings", Preload = (i, _) => ipc = i });

        // Assert
        window.WebContents.Allowlist.Should().Be(main.GetPolicy("settings", EndpointKind.Window).Allowlist);
        main.GetPolicy(window.WebContents).Capabilities.Should().Equal("settings");
        ipc!.Allowlist.Should().Be(window.WebContents.Allowlist, "the renderer checks the same list before sending");
        (await ipc.InvokeAsync<string>("settings:get").WithTimeout()).Should().Be("dark");
        await FluentActions.Awaiting(() => ipc.InvokeAsync<string>("files:read").WithTimeout()).Should().ThrowAsync<IpcAccessDeniedException>();
    }

    [Fact]
    public async Task AddCapabilities_AttachedEndpoint_LearnsItsCapabilityInTheHandshake()
    {
        // Arrange
        await using ServiceProvider provider = CapabilityFiles.Provider(Settings);
        MainProcess main = provider.GetRequiredService<MainProcess>();
        (Stream mainEnd, Stream rendererEnd) = await SocketPair.CreateAsync();
        IpcRenderer? ipc = null;

        // Act
        Task<WebContents> attaching = main.AttachAsync(mainEnd, new AttachOptions { Name = "settings", Kind = EndpointKind.Window });
        await using RendererProcess renderer = await RendererProcess.ConnectAsync(rendererEnd, new RendererProcessOptions { Preload = (i, _) => ipc = i }).WithTimeout();
        WebContents webContents = await attaching.WithTimeout();

        // Assert
        webContents.Allowlist.IsAllowed(IpcOperation.Invoke, "settings:get").Should().BeTrue();
        ipc!.Allowlist.Should().Be(webContents.Allowlist);
        main.GetPolicy(webContents).Capabilities.Should().Equal("settings");
    }

    [Fact]
    public async Task AddCapabilities_KindGiven_AppliesOnlyToThatKind()
    {
        // Arrange
        await using ServiceProvider provider = CapabilityFiles.Provider(Settings);
        MainProcess main = provider.GetRequiredService<MainProcess>();

        // Act
        await using RendererEndpoint work = await main.CreateWorkAsync(new RendererOptions { Name = "settings" });

        // Assert
        work.WebContents.Allowlist.Should().BeSameAs(ChannelAllowlist.DenyAll, "the capability applies to windows named settings, not work endpoints");
        main.GetPolicy(work.WebContents).Capabilities.Should().BeEmpty();
    }

    [Fact]
    public async Task AddCapabilities_EnvironmentStyleSingleValues_AreListsOfOne()
    {
        // Arrange: what environment variables such as IpcBridge__Capabilities__logs__Endpoints=* give.
        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["IpcBridge:Capabilities:logs:Endpoints"] = "*",
            ["IpcBridge:Capabilities:logs:Channels:Send"] = "log:*",
            ["IpcBridge:Capabilities:logs:Kind"] = "work",
        }).Build();
        await using ServiceProvider provider = CapabilityFiles.Provider(configuration);

        // Act
        IpcEndpointPolicy policy = provider.GetRequiredService<MainProcess>().GetPolicy("anything", EndpointKind.Work);

        // Assert
        policy.Capabilities.Should().Equal("logs");
        policy.Allowlist.Should().Be(ChannelAllowlist.DenyAll.AllowSend("log:*"));
    }

    [Fact]
    public async Task AddCapabilities_InCode_AreGrantedAsFromConfiguration()
    {
        // Arrange
        var services = new ServiceCollection();
        services.AddIpcBridge().AddCapabilities(o =>
        {
            var capability = new IpcCapability { Kind = EndpointKind.Window };
            capability.Endpoints.Add("editor-*");
            capability.Channels[IpcOperation.Invoke] = ["files:*"];
            capability.Contracts[IpcOperation.Handle] = ["dialogs"];
            o.Capabilities["editor"] = capability;
        });
        await using ServiceProvider provider = services.BuildServiceProvider();

        // Act
        IpcEndpointPolicy policy = provider.GetRequiredService<MainProcess>().GetPolicy("editor-2", EndpointKind.Window);

        // Assert
        policy.Allowlist.Should().Be(ChannelAllowlist.DenyAll.AllowInvoke("files:*").AllowHandle("dialogs.*"));
    }

    [Fact]
    public async Task AddIpcBridge_NoCapabilities_GrantsOnlyWhatCodePasses()
    {
        // Arrange
        var services = new ServiceCollection();
        services.AddIpcBridge();
        await using ServiceProvider provider = services.BuildServiceProvider();
        MainProcess main = provider.GetRequiredService<MainProcess>();
        ChannelAllowlist fromCode = ChannelAllowlist.DenyAll.AllowSend("a");

        // Act
        await using RendererEndpoint plain = await main.CreateWindowAsync(new RendererOptions { Name = "w" });
        await using RendererEndpoint granted = await main.CreateWindowAsync(new RendererOptions { Name = "w", Allowlist = fromCode });

        // Assert
        main.Capabilities.Should().BeSameAs(IpcCapabilityPolicy.Empty);
        plain.WebContents.Allowlist.Should().BeSameAs(ChannelAllowlist.DenyAll);
        granted.WebContents.Allowlist.Should().BeSameAs(fromCode);
    }

    [Fact]
    public async Task AddCapabilities_CodePassesAllowAll_StaysAllowAllBesideAMatchingCapability()
    {
        await using ServiceProvider provider = CapabilityFiles.Provider(Settings);
        MainProcess main = provider.GetRequiredService<MainProcess>();

        await using RendererEndpoint trusted = await main.CreateWindowAsync(new RendererOptions { Name = "settings", Allowlist = ChannelAllowlist.AllowAll() });

        trusted.WebContents.Allowlist.AllowsEverything.Should().BeTrue();
        main.GetPolicy(trusted.WebContents).Capabilities.Should().Equal("settings");
    }

    [Fact]
    public async Task MainProcess_WithoutContainer_GrantsFromThePolicyItIsGiven()
    {
        // Arrange
        var options = new IpcCapabilityOptions();
        var capability = new IpcCapability();
        capability.Endpoints.Add("*");
        capability.Channels[IpcOperation.Send] = ["ping"];
        options.Capabilities["everyone"] = capability;
        await using var main = new MainProcess { Capabilities = IpcCapabilityPolicy.Create(options) };

        // Act
        await using RendererEndpoint unnamed = await main.CreateWorkAsync();

        // Assert: "*" matches every name, the empty one of an unnamed endpoint too.
        unnamed.WebContents.Allowlist.Should().Be(ChannelAllowlist.DenyAll.AllowSend("ping"));
        main.GetPolicy(unnamed.WebContents).EndpointName.Should().BeNull();
    }

    [Fact]
    public async Task GetPolicy_EndpointOfAnotherMain_Throws()
    {
        await using var main = new MainProcess();
        await using var other = new MainProcess();
        await using RendererEndpoint window = await other.CreateWindowAsync();

        FluentActions.Invoking(() => main.GetPolicy(window.WebContents)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => main.Capabilities = null!).Should().Throw<ArgumentNullException>();
    }
}
