using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace IpcBridge.Tests.Capabilities;

/// <summary>Which capabilities apply to an endpoint (globs, kinds), how they combine with code, and deny by default.</summary>
public class CapabilityPolicyTests
{
    private const string Globs = """
        {
          "IpcBridge": {
            "Capabilities": {
              "all-windows": { "Endpoints": [ "*" ], "Kind": "Window", "Channels": { "Send": [ "log" ] } },
              "settings": { "Endpoints": [ "settings-*" ], "Channels": { "Invoke": [ "settings:*" ] } },
              "dialogs": { "Endpoints": [ "*-dialog", "about" ], "Channels": { "Handle": [ "dialog:*" ], "Receive": [ "dialog:closed" ] } },
              "export": { "Endpoints": [ "settings-export" ], "Channels": { "All": [ "export:*" ] } }
            }
          }
        }
        """;

    [Theory]
    [InlineData("mainWindow", "all-windows")]
    [InlineData("settings-", "all-windows,settings")]
    [InlineData("settings-a", "all-windows,settings")]
    [InlineData("settings-export", "all-windows,export,settings")]
    [InlineData("open-dialog", "all-windows,dialogs")]
    [InlineData("about", "all-windows,dialogs")]
    [InlineData("Settings-a", "all-windows")]
    [InlineData("about-dialog-x", "all-windows")]
    public async Task GetPolicy_Globs_MatchExactNamesPrefixesAndSuffixesCaseSensitively(string name, string expected)
    {
        await using ServiceProvider provider = CapabilityFiles.Provider(Globs);

        IpcEndpointPolicy policy = provider.GetRequiredService<MainProcess>().GetPolicy(name, EndpointKind.Window);

        string.Join(",", policy.Capabilities).Should().Be(expected);
    }

    [Fact]
    public async Task GetPolicy_SeveralCapabilitiesAndCode_GrantTheirUnion()
    {
        // Arrange
        await using ServiceProvider provider = CapabilityFiles.Provider(Globs);
        MainProcess main = provider.GetRequiredService<MainProcess>();
        ChannelAllowlist fromCode = ChannelAllowlist.DenyAll.AllowSendSync("host:console").AllowSend("log");

        // Act
        IpcEndpointPolicy policy = main.GetPolicy("settings-export", EndpointKind.Window, fromCode);

        // Assert
        policy.FromCapabilities.Should().Be(ChannelAllowlist.DenyAll
            .AllowSend("log")
            .Allow(IpcOperation.All, "export:*")
            .AllowInvoke("settings:*"));
        policy.FromCode.Should().BeSameAs(fromCode);
        policy.Allowlist.Should().Be(policy.FromCapabilities.AllowSendSync("host:console"));
        policy.Allowlist.IsAllowed(IpcOperation.Handle, "export:csv").Should().BeTrue();
        policy.Allowlist.IsAllowed(IpcOperation.Handle, "dialog:open").Should().BeFalse();
    }

    [Fact]
    public async Task GetPolicy_NoCapabilityMatches_DeniesEverything()
    {
        // Arrange
        await using ServiceProvider provider = CapabilityFiles.Provider(Globs);
        MainProcess main = provider.GetRequiredService<MainProcess>();
        main.IpcMain.Handle("settings:get", (e, a) => 1);
        IpcRenderer? ipc = null;

        // Act: a work endpoint named like nothing the windows-only "*" or the others cover.
        await using RendererEndpoint work = await main.CreateWorkAsync(new RendererOptions { Name = "worker", Preload = (i, _) => ipc = i });

        // Assert
        main.GetPolicy(work.WebContents).Capabilities.Should().BeEmpty();
        work.WebContents.Allowlist.Should().BeSameAs(ChannelAllowlist.DenyAll);
        await FluentActions.Awaiting(() => ipc!.InvokeAsync<int>("settings:get").WithTimeout()).Should().ThrowAsync<IpcAccessDeniedException>();
        main.GetPolicy(null, EndpointKind.Work).Allowlist.Should().BeSameAs(ChannelAllowlist.DenyAll);
    }

    [Fact]
    public async Task IpcEndpointPolicy_ToString_ListsCapabilitiesCodeAndOneLinePerOperation()
    {
        // Arrange
        await using ServiceProvider provider = CapabilityFiles.Provider(Globs);
        MainProcess main = provider.GetRequiredService<MainProcess>();

        // Act
        string text = main.GetPolicy("open-dialog", EndpointKind.Window, ChannelAllowlist.DenyAll.AllowSendSync("host:console")).ToString();
        string none = main.GetPolicy("worker", EndpointKind.Work).ToString();

        // Assert
        text.Split('\n').Should().Equal(
            "open-dialog (Window)",
            "  capability all-windows",
            "  capability dialogs",
            "  granted by code: SendSync: host:console",
            "  Send      log",
            "  SendSync  host:console",
            "  Receive   dialog:closed",
            "  Handle    dialog:*");
        none.Split('\n').Should().Equal("worker (Work)", "  capabilities: none", "  may use no channel (DenyAll)");
    }
}
