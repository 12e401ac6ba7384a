using System.Threading;
using System.Threading.Tasks;

namespace IpcBridge.Benchmarks.Bridges;

/// <summary>Completes a task when every one of several receivers has seen the expected number of messages.</summary>
public sealed class ArrivalCounter
{
    private int[] received = System.Array.Empty<int>();
    private int expected;
    private int pendingReceivers;
    private TaskCompletionSource<bool> done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Starts a run; call only while nothing is in flight.</summary>
    public Task Begin(int receivers, int messagesEach)
    {
        this.received = new int[receivers];
        this.expected = messagesEach;
        this.pendingReceivers = receivers;
        var run = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref this.done, run);
        return run.Task;
    }

    /// <summary>Counts one message at <paramref name="receiver"/>; each receiver calls from one thread at a time (its dispatch loop).</summary>
    public void Hit(int receiver)
    {
        int[] counts = Volatile.Read(ref this.received);
        if (receiver < counts.Length && ++counts[receiver] == this.expected && Interlocked.Decrement(ref this.pendingReceivers) == 0)
        {
            Volatile.Read(ref this.done).TrySetResult(true);
        }
    }
}
