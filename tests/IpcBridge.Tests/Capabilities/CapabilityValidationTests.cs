using System;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IpcBridge.Tests.Capabilities;

/// <summary>Mistakes in a capability file fail at startup, each with the configuration key it is about.</summary>
public class CapabilityValidationTests
{
    [Theory]
    [InlineData(
        """{ "renderer": { "Endpoints": [ "w" ], "Channels": { "Invok": [ "a" ] } } }""",
        "IpcBridge:Capabilities:renderer:Channels:Invok: 'Invok' is not an operation")]
    [InlineData(
        """{ "renderer": { "Endpoints": [ "w" ], "Channels": { "Invoke": [ "a", "files:*:read" ] } } }""",
        "IpcBridge:Capabilities:renderer:Channels:Invoke:1: A channel pattern 'files:*:read' may have '*' only at its end.")]
    [InlineData(
        """{ "renderer": { "Endpoints": [ "w" ], "Channels": { "Send": [ "" ] } } }""",
        "IpcBridge:Capabilities:renderer:Channels:Send:0: A channel pattern must not be empty.")]
    [InlineData(
        """{ "renderer": { "Endpoints": [ "w" ], "Contracts": { "Invoke": [ "cl*ck" ] } } }""",
        "IpcBridge:Capabilities:renderer:Contracts:Invoke:0: A contract pattern 'cl*ck' may have '*' only at its end.")]
    [InlineData(
        """{ "renderer": { "Endpoints": [ "w", "" ] } }""",
        "IpcBridge:Capabilities:renderer:Endpoints:1: an endpoint pattern must not be empty.")]
    [InlineData(
        """{ "renderer": { "Channels": { "Send": [ "a" ] } } }""",
        "IpcBridge:Capabilities:renderer:Endpoints: the capability names no endpoint")]
    [InlineData(
        """{ "renderer": { "Endpoints": [ "w" ], "Kind": "Browser" } }""",
        "IpcBridge:Capabilities:renderer:Kind: 'Browser' is not an endpoint kind")]
    [InlineData(
        """{ "renderer": { "Endpoints": [ "w" ], "Kind": "Main" } }""",
        "IpcBridge:Capabilities:renderer:Kind: 'Main' is not a kind a capability can apply to")]
    [InlineData(
        """{ "renderer": { "Endpoints": [ "w" ], "Chanels": { "Send": [ "a" ] } } }""",
        "IpcBridge:Capabilities:renderer:Chanels: 'Chanels' is not a capability setting")]
    [InlineData(
        """{ "renderer": { "Endpoints": [ "w" ], "Channels": [ "a" ] } }""",
        "IpcBridge:Capabilities:renderer:Channels:0: '0' is not an operation")]
    [InlineData(
        """{ "renderer": "everything" }""",
        "IpcBridge:Capabilities:renderer: a capability is an object")]
    public async Task ValidateOnStart_MistakeInTheFile_FailsNamingItsKey(string capabilities, string expected)
    {
        // Arrange
        await using ServiceProvider provider = CapabilityFiles.Provider($$"""{ "IpcBridge": { "Capabilities": {{capabilities}} } }""");

        // Act: what a host does when it starts.
        Action start = () => provider.GetRequiredService<IStartupValidator>().Validate();

        // Assert
        start.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain(expected);
    }

    [Fact]
    public async Task ValidateOnStart_PatternMatchingNoDeclaredEndpointName_FailsNamingItsKey()
    {
        // Arrange
        await using ServiceProvider provider = CapabilityFiles.Provider("""
            {
              "IpcBridge": {
                "EndpointNames": [ "mainWindow", "settings-*" ],
                "Capabilities": {
                  "renderer": { "Endpoints": [ "mainWindow", "mainWindw", "settings-general", "*Window" ], "Channels": { "Send": [ "a" ] } },
                  "work": { "Endpoints": [ "worker-*" ], "Channels": { "Send": [ "a" ] } }
                }
              }
            }
            """);

        // Act
        Action start = () => provider.GetRequiredService<IStartupValidator>().Validate();

        // Assert: each misspelt pattern is named; those that can name a declared endpoint are not.
        OptionsValidationException failure = start.Should().Throw<OptionsValidationException>().Which;
        failure.Failures.Should().BeEquivalentTo(
            "IpcBridge:Capabilities:renderer:Endpoints:1: 'mainWindw' matches none of the declared endpoint names (IpcBridge:EndpointNames: mainWindow, settings-*).",
            "IpcBridge:Capabilities:work:Endpoints:0: 'worker-*' matches none of the declared endpoint names (IpcBridge:EndpointNames: mainWindow, settings-*).");
    }

    [Fact]
    public async Task ResolvingMainProcess_InvalidCapabilities_FailsWithoutAHostToo()
    {
        await using ServiceProvider provider = CapabilityFiles.Provider("""{ "IpcBridge": { "Capabilities": { "a": { "Endpoints": [ "w" ], "Channels": { "Sned": [ "x" ] } } } } }""");

        FluentActions.Invoking(() => provider.GetRequiredService<MainProcess>())
            .Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("IpcBridge:Capabilities:a:Channels:Sned");
    }

    [Fact]
    public async Task ValidateOnStart_ValidFile_Passes()
    {
        await using ServiceProvider provider = CapabilityFiles.Provider("""
            { "IpcBridge": { "EndpointNames": [ "w" ], "Capabilities": { "a": { "Endpoints": [ "w" ], "Kind": "window", "Channels": { "all": [ "*" ] } } } } }
            """);

        FluentActions.Invoking(() => provider.GetRequiredService<IStartupValidator>().Validate()).Should().NotThrow();
        provider.GetRequiredService<MainProcess>().GetPolicy("w", EndpointKind.Window).Allowlist.IsAllowed(IpcOperation.All, "anything").Should().BeTrue();
    }

    [Fact]
    public void Create_InvalidOptionsInCode_ThrowsListingEveryProblem()
    {
        // Arrange
        var options = new IpcCapabilityOptions();
        var capability = new IpcCapability { Kind = EndpointKind.Main };
        capability.Endpoints.Add("w");
        capability.Channels[IpcOperation.None] = ["a"];
        capability.Channels[IpcOperation.Send] = ["b*c"];
        options.Capabilities["bad"] = capability;

        // Act
        Action create = () => IpcCapabilityPolicy.Create(options);

        // Assert
        create.Should().Throw<ArgumentException>().Which.Message.Should().ContainAll(
            "Capabilities:bad:Kind:", "Capabilities:bad:Channels:None: 'None' is not an operation", "Capabilities:bad:Channels:Send:0: A channel pattern 'b*c'");
    }

    [Fact]
    public async Task AddCapabilities_SameCapabilityFromTwoSections_FailsNamingBoth()
    {
        var services = new ServiceCollection();
        services.AddIpcBridge()
            .AddCapabilities(CapabilityFiles.Json("""{ "A": { "Capabilities": { "x": { "Endpoints": [ "w" ] } } } }""").GetSection("A"))
            .AddCapabilities(CapabilityFiles.Json("""{ "B": { "Capabilities": { "X": { "Endpoints": [ "w" ] } } } }""").GetSection("B"));
        await using ServiceProvider provider = services.BuildServiceProvider();

        FluentActions.Invoking(() => provider.GetRequiredService<IStartupValidator>().Validate())
            .Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("B:Capabilities:X: a capability named 'X' is already defined at A:Capabilities:x");
    }
}
