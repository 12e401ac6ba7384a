using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;

namespace IpcBridge.Benchmarks.Processes;

/// <summary>
/// This benchmark program started again as a child in some role (<see cref="ChildRoles"/>): <c>dotnet &lt;this dll&gt;
/// role ...</c>, with the same dotnet host, so it works alike from <c>dotnet run</c> and from a test host whose entry
/// assembly is not this one. Disposing it waits briefly for the child to exit by itself, then kills it.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(3);

    private ChildProcess(Process process, string role)
    {
        this.Process = process;
        this.Role = role;
    }

    public Process Process { get; }

    public string Role { get; }

    /// <summary>Start information for this program in <paramref name="role"/>; nothing redirected.</summary>
    public static ProcessStartInfo CreateStartInfo(string role, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(role);
        ArgumentNullException.ThrowIfNull(arguments);
        var info = new ProcessStartInfo { FileName = DotNetHost, UseShellExecute = false };
        info.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        info.ArgumentList.Add(role);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    /// <exception cref="InvalidOperationException">The process could not be started.</exception>
    public static ChildProcess Start(string role, params string[] arguments)
    {
        Process process = Process.Start(CreateStartInfo(role, arguments))
            ?? throw new InvalidOperationException($"Could not start the '{role}' child.");
        return new ChildProcess(process, role);
    }

    /// <summary>Kills <paramref name="process"/> and its descendants if it still runs.</summary>
    public static void Kill(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Already exiting.
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await this.Process.WaitForExitAsync().WaitAsync(ExitGrace);
        }
        catch (TimeoutException)
        {
            Kill(this.Process);
            await this.Process.WaitForExitAsync();
        }
        finally
        {
            this.Process.Dispose();
        }
    }

    public override string ToString() => $"{this.Role} (pid {this.Process.Id})";

    private static string DotNetHost
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
