#if NET8_0_OR_GREATER
using System;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Reflection;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Transport;

namespace IpcBridge;

/// <content>Launching endpoints as child processes.</content>
public sealed partial class MainProcess
{
    /// <summary>
    /// Starts a child process as a renderer or work endpoint and waits until it has connected: main listens on a private
    /// Unix domain socket (or a current-user-only named pipe on Windows), passes the address and a one-time token to the
    /// child in its environment, and the child calls <see cref="RendererProcess.ConnectAsync(RendererProcessOptions, CancellationToken)"/>.
    /// </summary>
    /// <param name="startInfo">How to start the child; see <see cref="CreateStartInfoForThisApp"/>. Its environment gains the address and token.</param>
    /// <param name="options">Kind, allowlist, name and timeouts.</param>
    /// <param name="cancellationToken">Cancels the launch; a started child is killed.</param>
    /// <returns>
    /// The child's <see cref="WebContents"/>, once the child's preload has returned: it is ready for anything main sends.
    /// Its <see cref="WebContents.ProcessGone"/> reports how the process ends.
    /// </returns>
    /// <exception cref="IpcLaunchException">
    /// The child could not be started, exited or timed out before it connected, or never became ready: its preload threw
    /// (the inner <see cref="IpcPreloadException"/> names the endpoint and carries the preload's exception) or did not
    /// return within <see cref="IpcBridgeOptions.HandshakeTimeout"/>. The child is reaped and
    /// <see cref="ChildProcessGone"/> reports <see cref="ProcessGoneReason.LaunchFailed"/>.
    /// </exception>
    public async Task<WebContents> LaunchAsync(ProcessStartInfo startInfo, LaunchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        this.ThrowIfDisposed();
        options ??= new LaunchOptions();
        await using ChildListener listener = ChildAddress.Listen();
        string token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        startInfo.Environment[RendererProcess.AddressVariable] = listener.Address;
        startInfo.Environment[RendererProcess.TokenVariable] = token;

        Process? process;
        try
        {
            process = Process.Start(startInfo);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or FileNotFoundException)
        {
            this.OnLaunchFailed(options, null, null);
            throw new IpcLaunchException($"Could not start '{startInfo.FileName}': {ex.Message}", null, ex);
        }

        if (process is null)
        {
            this.OnLaunchFailed(options, null, null);
            throw new IpcLaunchException($"Could not start '{startInfo.FileName}'.");
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.ConnectTimeout);
            Task<Stream> accepting = listener.AcceptAsync(timeout.Token);
            Task exited = process.WaitForExitAsync(timeout.Token);
            if (await Task.WhenAny(accepting, exited).ConfigureAwait(false) != accepting || !accepting.IsCompletedSuccessfully)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw process.HasExited
                    ? new IpcLaunchException($"'{startInfo.FileName}' exited with code {process.ExitCode} before it connected.", process.ExitCode)
                    : new IpcLaunchException($"'{startInfo.FileName}' did not connect within {options.ConnectTimeout.TotalSeconds:0} s.");
            }

            Stream stream = await accepting.ConfigureAwait(false);
            WebContents webContents;
            try
            {
                webContents = await this.AttachAsync(stream, new AttachOptions { Kind = options.Kind, Allowlist = options.Allowlist, Name = options.Name, LaunchToken = token }, cancellationToken).ConfigureAwait(false);
            }
            catch (IpcException ex) when (ex is IpcProtocolException or IpcTimeoutException)
            {
                throw new IpcLaunchException($"'{startInfo.FileName}' failed the handshake: {ex.Message}", null, ex);
            }
            catch (IpcPreloadException ex)
            {
                // A preload that threw leaves the child to log it and exit by itself (non-zero); give it the time.
                int? exitCode = ex.RemoteTypeName is null ? null : await WaitForExitAsync(process, options.ExitTimeout).ConfigureAwait(false);
                throw new IpcLaunchException($"'{startInfo.FileName}' never became ready: {ex.Message}", exitCode, ex);
            }

            webContents.TrackProcess(process, options.ExitTimeout);
            return webContents;
        }
        catch
        {
            // The child never became an endpoint: end it, reap it, and say so.
            int processId = process.Id;
            Kill(process);
            int? exitCode = await WaitForExitAsync(process, options.ExitTimeout).ConfigureAwait(false);
            process.Dispose();
            this.OnLaunchFailed(options, exitCode, processId);
            throw;
        }
    }

    /// <summary>
    /// Returns start information for launching this same application again with <paramref name="arguments"/> (for
    /// example a role such as <c>--role work</c>), whether it runs as an apphost executable or through <c>dotnet app.dll</c>.
    /// </summary>
    /// <param name="arguments">The arguments for the child.</param>
    /// <returns>Start information with no shell and redirected nothing; adjust as needed.</returns>
    [UnconditionalSuppressMessage("SingleFile", "IL3000", Justification = "The entry assembly's path is only passed to a dotnet host; a single-file app is its own host and never needs it.")]
    public static ProcessStartInfo CreateStartInfoForThisApp(params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this process is unknown.");
        var info = new ProcessStartInfo { FileName = host, UseShellExecute = false };
        string? entry = Assembly.GetEntryAssembly()?.Location;
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(entry))
        {
            info.ArgumentList.Add(entry);
        }

        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    /// <summary>Waits at most <paramref name="limit"/> for an ended or killed process to be gone; returns its exit code if it is.</summary>
    private static async Task<int?> WaitForExitAsync(Process process, TimeSpan limit)
    {
        try
        {
            await process.WaitForExitAsync().WaitAsync(limit).ConfigureAwait(false);
            return process.ExitCode;
        }
        catch (TimeoutException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    internal static void Kill(Process process)
    {
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
            // Exiting; the OS will finish it.
        }
    }

    private void OnLaunchFailed(LaunchOptions options, int? exitCode, int? processId)
        => this.OnChildProcessGone(new ProcessGoneEventArgs(ProcessGoneReason.LaunchFailed, exitCode, null, options.Kind, options.Name, processId));
}
#endif
