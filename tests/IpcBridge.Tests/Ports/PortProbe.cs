using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Ports;

/// <summary>Records what a port receives and lets a test await the n-th message or the close.</summary>
internal sealed class PortProbe
{
    private readonly ConcurrentQueue<MessageEventArgs> received = new();
    private readonly TaskCompletionSource<bool> closed = Signal.Create<bool>();
    private readonly object gate = new();
    private TaskCompletionSource<bool>? countReached;
    private int wanted;
    private int closedCount;

    public PortProbe(MessagePortMain port)
    {
        this.Port = port;
        port.Message += (_, e) =>
        {
            this.received.Enqueue(e);
            lock (this.gate)
            {
                if (this.countReached is not null && this.received.Count >= this.wanted)
                {
                    this.countReached.TrySetResult(true);
                }
            }
        };
        port.Closed += (_, _) =>
        {
            Interlocked.Increment(ref this.closedCount);
            this.closed.TrySetResult(true);
        };
    }

    public MessagePortMain Port { get; }

    public MessageEventArgs[] Received => this.received.ToArray();

    public int ClosedCount => Volatile.Read(ref this.closedCount);

    public Task Closed => this.closed.Task.WithTimeout("a port's Closed event");

    public Task WaitForCount(int count)
    {
        lock (this.gate)
        {
            if (this.received.Count >= count)
            {
                return Task.CompletedTask;
            }

            this.wanted = count;
            this.countReached = Signal.Create<bool>();
            return this.countReached.Task.WithTimeout($"{count} port messages");
        }
    }
}
