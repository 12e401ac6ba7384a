using System;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace IpcBridge.Protocol;

/// <summary>
/// The single logical thread on which an endpoint runs user code for inbound frames, in arrival order.
/// Main has one for all its links, as Electron's main has one thread; each renderer has its own. Keeping user
/// code off the transports' threads means a blocked listener can never stop replies from arriving.
/// </summary>
internal sealed class FrameDispatcher
{
    [ThreadStatic]
    private static FrameDispatcher? current;

    private readonly Channel<WorkItem> queue;
    private readonly ILogger logger;
    private readonly Task loop;

    public FrameDispatcher(bool isMain, ILogger logger)
    {
        this.IsMain = isMain;
        this.logger = logger;
        this.queue = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = false });
        this.loop = Task.Run(this.RunAsync);
    }

    /// <summary>Gets the dispatcher running user code on this thread right now, if any.</summary>
    public static FrameDispatcher? Current => current;

    public bool IsMain { get; }

    public Task Completion => this.loop;

    public bool Enqueue(IpcConnection connection, Frame frame) => this.queue.Writer.TryWrite(new WorkItem(connection, frame, null));

    public bool Enqueue(Action action) => this.queue.Writer.TryWrite(new WorkItem(null, null, action));

    /// <summary>Stops accepting work; what is already queued still runs.</summary>
    public void Complete() => this.queue.Writer.TryComplete();

    private async Task RunAsync()
    {
        ChannelReader<WorkItem> reader = this.queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            current = this;
            try
            {
                while (reader.TryRead(out WorkItem item))
                {
                    try
                    {
                        if (item.Action is not null)
                        {
                            item.Action();
                        }
                        else
                        {
                            item.Connection!.Dispatch(item.Frame!);
                        }
                    }
                    catch (Exception ex)
                    {
                        // Dispatch reports user-code failures itself; anything reaching here is our own bug,
                        // and it must not stop the loop that every later message depends on.
                        Diagnostics.Log.DispatchFailed(this.logger, ex);
                    }
                }
            }
            finally
            {
                current = null;
            }
        }
    }

    private readonly struct WorkItem
    {
        public WorkItem(IpcConnection? connection, Frame? frame, Action? action)
        {
            this.Connection = connection;
            this.Frame = frame;
            this.Action = action;
        }

        public IpcConnection? Connection { get; }

        public Frame? Frame { get; }

        public Action? Action { get; }
    }
}
