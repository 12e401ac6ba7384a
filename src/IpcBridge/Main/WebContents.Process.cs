using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Diagnostics;

namespace IpcBridge;

#if !NET8_0_OR_GREATER
#pragma warning disable CS0649, CS0067, CA1822 // netstandard2.0 cannot launch children; the surface stays the same for callers.
#endif

/// <content>The OS process behind an endpoint that main launched.</content>
public sealed partial class WebContents
{
    private Process? process;
    private readonly TaskCompletionSource<ProcessGoneEventArgs> gone = new(TaskCreationOptions.RunContinuationsAsynchronously);
#if NET8_0_OR_GREATER
    private TimeSpan exitTimeout;
    private int killedByMain;
    private Task processExited = Task.CompletedTask;
#endif

    /// <summary>
    /// Raised once when the process of an endpoint that main launched has ended, with the reason (Electron's
    /// <c>render-process-gone</c>). By then its link is closed and its pending calls have failed. Never raised for
    /// endpoints in main's own process.
    /// </summary>
    public event EventHandler<ProcessGoneEventArgs>? ProcessGone;

    /// <summary>
    /// Gets a task that completes, with the same arguments as <see cref="ProcessGone"/>, when the child process has ended.
    /// Unlike the event, it cannot be missed: awaited after the child is gone, it is already complete.
    /// </summary>
    /// <exception cref="InvalidOperationException">This endpoint has no child process of its own (<see cref="IsChildProcess"/> is <see langword="false"/>).</exception>
    public Task<ProcessGoneEventArgs> WhenProcessGone
        => this.process is not null
            ? this.gone.Task
            : throw new InvalidOperationException($"Endpoint {this.Id} runs in main's process or was attached over a stream; it has no child process to watch.");

    /// <summary>Gets a value indicating whether this endpoint runs in a child process main launched.</summary>
    public bool IsChildProcess => this.process is not null;

    /// <summary>Kills the endpoint's child process (and its descendants); <see cref="ProcessGone"/> follows with <see cref="ProcessGoneReason.Killed"/>.</summary>
    /// <returns><see langword="false"/> when this endpoint has no child process of its own.</returns>
    public bool Kill()
    {
#if !NET8_0_OR_GREATER
        return false;
    }

    /// <summary>Child processes are launched on .NET 8 and later only; there is nothing to reap here.</summary>
    internal Task ReapProcessAsync() => Task.CompletedTask;

    /// <summary>Child processes are launched on .NET 8 and later only; there is no process to end here.</summary>
    private void EndProcessAfterLink(IpcDisconnectedException reason)
    {
    }
#else
        Process? child = this.process;
        if (child is null)
        {
            return false;
        }

        Interlocked.Exchange(ref this.killedByMain, 1);
        KillProcess(child);
        return true;
    }

    internal void TrackProcess(Process child, TimeSpan exitTimeout)
    {
        this.exitTimeout = exitTimeout;
        this.processExited = this.WatchProcessAsync(child);
        this.process = child;
        this.owner.TrackChild(this);

        // The link may have ended before the process was tracked; HandleClosed then found no process to end.
        if (this.Connection.ClosedReason is { } closed)
        {
            this.EndProcessAfterLink(closed);
        }
    }

    /// <summary>
    /// Once the link is gone the child has nothing left to do: one that broke the protocol is killed at once (it is
    /// broken or hostile, as Chromium kills a renderer that sends a bad IPC message); any other gets its exit timeout
    /// to leave by itself, and is killed after that, so no child outlives its link.
    /// </summary>
    private void EndProcessAfterLink(IpcDisconnectedException reason)
    {
        Process? child = this.process;
        if (child is null)
        {
            return;
        }

        if (reason.Reason == DisconnectReason.ProtocolViolation)
        {
            Log.ChildKilled(this.logger, this.Id, reason.Message);
            Interlocked.Exchange(ref this.killedByMain, 1);
            KillProcess(child);
        }
        else
        {
            _ = this.ReapProcessAsync();
        }
    }

    /// <summary>After main closed the link: give the child its time to exit by itself, then kill it, and wait for it.</summary>
    internal async Task ReapProcessAsync()
    {
        Process? child = this.process;
        if (child is null)
        {
            return;
        }

        try
        {
            await this.processExited.WaitAsync(this.exitTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Interlocked.Exchange(ref this.killedByMain, 1);
            KillProcess(child);
            await this.processExited.ConfigureAwait(false);
        }
    }

    private static void KillProcess(Process child)
    {
        try
        {
            if (!child.HasExited)
            {
                child.Kill(entireProcessTree: true);
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

    private async Task WatchProcessAsync(Process child)
    {
        await child.WaitForExitAsync().ConfigureAwait(false);
        int exitCode = child.ExitCode;
        ProcessGoneReason reason = Volatile.Read(ref this.killedByMain) != 0 ? ProcessGoneReason.Killed
            : exitCode == 0 ? ProcessGoneReason.CleanExit
            : !OperatingSystem.IsWindows() && exitCode is 128 + 9 or 128 + 15 ? ProcessGoneReason.Killed
            : ProcessGoneReason.Crashed;

        // The stream usually ends first; if the child died without the socket noticing, end the link now so pending calls fail at once.
        this.Connection.Close(new IpcDisconnectedException($"The process of endpoint {this.Id} ended ({reason}, exit code {exitCode}).", DisconnectReason.StreamFailed));
        var args = new ProcessGoneEventArgs(reason, exitCode, this, this.Kind, this.Name, this.ProcessId);
        this.gone.TrySetResult(args);
        try
        {
            this.ProcessGone?.Invoke(this, args);
        }
        catch (Exception ex)
        {
            Log.EventHandlerFailed(this.logger, nameof(this.ProcessGone), ex);
        }
        finally
        {
            child.Dispose();
        }

        this.owner.OnChildProcessGone(args);
    }
#endif
}
