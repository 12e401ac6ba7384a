using System;
using System.Diagnostics;
using System.IO;

namespace IpcBridge.Tests.Processes;

/// <summary>Start information for the test child program, built beside the tests.</summary>
internal static class TestChild
{
    public static ProcessStartInfo StartInfo(params string[] arguments)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "IpcBridge.TestChild.dll");
        var info = new ProcessStartInfo
        {
            FileName = DotNetHost,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    /// <summary>Gets the <c>dotnet</c> host that runs the tests, to run other built apps with.</summary>
    internal static string DotNetHost
    {
        get
        {
            string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(host) && File.Exists(host))
            {
                return host;
            }

            string? self = Environment.ProcessPath;
            return self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? self : "dotnet";
        }
    }
}
