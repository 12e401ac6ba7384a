using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using IpcBridge.Tests.Samples;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IpcBridge.Tests.Capabilities;

/// <summary>
/// The sample console host's allowlists moved from its code into its appsettings.json: each endpoint's policy must be
/// exactly the one it had in code, in one process and with child processes.
/// </summary>
public class SampleCapabilityTests
{
    /// <summary>The renderer's allowlist as the sample's code defined it (RendererPreload.Allowlist) before it moved to the file.</summary>
    private static readonly ChannelAllowlist RendererInCode = ChannelAllowlist.DenyAll
        .AllowSend("openUrlByDefaultBrowser", "communicateWithEachOtherSend", "renderSendMsgToWork")
        .AllowSendSync("communicateWithEachOtherSendSync")
        .AllowInvoke("communicateWithEachOtherSendPromise")
        .AllowReceive("communicateWithEachOtherReply", "update-counter")
        .Allow(IpcOperation.Receive | IpcOperation.Ports, "port");

    /// <summary>The work endpoint's allowlist as the sample's code defined it (WorkPreload.Allowlist).</summary>
    private static readonly ChannelAllowlist WorkInCode = ChannelAllowlist.DenyAll
        .AllowReceive("msgFormRender")
        .Allow(IpcOperation.Receive | IpcOperation.Ports, "port");

    /// <summary>With child processes, the code added the host's channels: HostChannels.ForRenderer(preload), HostChannels.ForWork(preload).</summary>
    private static readonly ChannelAllowlist RendererProcessInCode = RendererInCode.AllowSendSync("host:console").AllowHandle("host:click");

    private static readonly ChannelAllowlist WorkProcessInCode = WorkInCode.AllowSendSync("host:console");

    private static readonly Regex OperationLine = new(@"^  (Send|SendSync|Invoke|Receive|Ports|Handle) +(.+)$", RegexOptions.CultureInvariant);

    [Fact]
    public async Task SampleAppSettings_EachEndpoint_GetsExactlyItsAllowlistFromCode()
    {
        // Arrange: the file as the sample ships it, beside the built sample.
        IConfigurationRoot configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(SampleDirectory, "appsettings.json"), optional: false)
            .Build();
        await using ServiceProvider provider = CapabilityFiles.Provider(configuration);

        // Act
        provider.GetRequiredService<IStartupValidator>().Validate();
        MainProcess main = provider.GetRequiredService<MainProcess>();

        // Assert
        main.GetPolicy("mainWindow", EndpointKind.Window).Allowlist.Should().Be(RendererInCode);
        main.GetPolicy("workWindow", EndpointKind.Work).Allowlist.Should().Be(WorkInCode);
        main.GetPolicy("mainWindow", EndpointKind.Window).Capabilities.Should().Equal("renderer");
        main.GetPolicy("workWindow", EndpointKind.Work).Capabilities.Should().Equal("work");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ConsoleHost_Policy_PrintsForEachEndpointTheAllowlistItHadInCode(bool processes)
    {
        // Act: the sample's own code path (its configuration, and what its code adds with child processes).
        string output = await RunSampleAsync(processes ? ["--policy", "--processes"] : ["--policy"]);

        // Assert
        Dictionary<string, ChannelAllowlist> printed = ParsePolicies(output);
        printed.Keys.Should().Equal(["mainWindow (Window)", "workWindow (Work)"], output);
        printed["mainWindow (Window)"].Should().Be(processes ? RendererProcessInCode : RendererInCode, output);
        printed["workWindow (Work)"].Should().Be(processes ? WorkProcessInCode : WorkInCode, output);
        output.Should().Contain("  capability renderer: ").And.Contain("  capability work: ");
        if (processes)
        {
            output.Should().Contain("  granted by code: SendSync: host:console; Handle: host:click");
        }
        else
        {
            output.Should().NotContain("granted by code");
        }
    }

    private static string SampleDirectory => Path.GetDirectoryName(SampleHostTests.SampleRun.AssemblyPath)!;

    /// <summary>Reads back the per-operation lines of each endpoint the sample printed.</summary>
    private static Dictionary<string, ChannelAllowlist> ParsePolicies(string output)
    {
        var policies = new Dictionary<string, ChannelAllowlist>();
        string? endpoint = null;
        foreach (string raw in output.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.EndsWith(')') && !line.StartsWith(' ') && line.Contains(" ("))
            {
                endpoint = line;
                policies[endpoint] = ChannelAllowlist.DenyAll;
            }
            else if (endpoint is not null && OperationLine.Match(line) is { Success: true } m)
            {
                IpcOperation operation = Enum.Parse<IpcOperation>(m.Groups[1].Value);
                policies[endpoint] = policies[endpoint].Allow(operation, m.Groups[2].Value.Split(", "));
            }
        }

        return policies;
    }

    private static async Task<string> RunSampleAsync(params string[] arguments)
    {
        SampleHostTests.SampleRun run = await SampleHostTests.SampleRun.RunAsync(arguments);
        run.ExitCode.Should().Be(0, run.Describe());
        return run.Output;
    }
}
