using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge;

namespace IpcBridge.ChildApi;

/// <summary>A contract the child serves to main (<see cref="WebContents.GetContract{TApi}"/>).</summary>
[IpcContract("child")]
public interface IChildCounter
{
    /// <summary>Gets the child's process id.</summary>
    Task<int> ProcessIdAsync();

    /// <summary>Streams 0..count-1.</summary>
    IAsyncEnumerable<int> CountAsync(int count, CancellationToken cancellationToken);

    /// <summary>Waits until cancelled, then sends "contract-cancelled" with the child's pid to main.</summary>
    Task<int> WaitAsync(CancellationToken cancellationToken);

    /// <summary>Throws <see cref="FormatException"/> with <paramref name="message"/>.</summary>
    ValueTask FailAsync(string message);
}

/// <summary>The child's implementation of <see cref="IChildCounter"/>.</summary>
internal sealed class ChildCounter : IChildCounter
{
    private readonly IpcRenderer ipc;

    public ChildCounter(IpcRenderer ipc) => this.ipc = ipc;

    public Task<int> ProcessIdAsync() => Task.FromResult(Environment.ProcessId);

    public async IAsyncEnumerable<int> CountAsync(int count, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (int i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return i;
        }
    }

    public async Task<int> WaitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            this.ipc.Send("contract-cancelled", Environment.ProcessId);
            throw;
        }

        return 0;
    }

    public ValueTask FailAsync(string message) => throw new FormatException(message);
}
