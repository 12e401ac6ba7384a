using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Diagnostics;
using IpcBridge.Serialization;

namespace IpcBridge.Protocol;

/// <summary>
/// One side's invoke handlers (main's for renderer calls, a renderer's for main's calls): at most one per channel,
/// answering a plain invoke with one result or a stream invoke with a sequence of items. Runs a handler for an
/// inbound call and sends its answer; the call's token is cancelled by the caller's Cancel frame, a timeout there,
/// or the link ending.
/// </summary>
/// <typeparam name="TEvent">What a handler receives with the call.</typeparam>
internal sealed class HandlerRegistry<TEvent>
    where TEvent : class
{
    private static readonly byte[] NullResult = "null"u8.ToArray();

    private readonly ConcurrentDictionary<string, Entry> handlers = new(StringComparer.Ordinal);

    // Set once by Close: an endpoint's registry that is gone accepts no handler any more (nothing could call it).
    private volatile bool closed;

    /// <summary>Answers one call with one serialized value.</summary>
    public delegate ValueTask<ReadOnlyMemory<byte>> UnaryHandler(TEvent e, IpcArgs args);

    /// <summary>Answers one call with a sequence: <paramref name="emit"/> sends an item, waiting for the caller's credit.</summary>
    public delegate Task StreamHandler(TEvent e, IpcArgs args, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> emit, CancellationToken cancellationToken);

    public void Add(string channel, UnaryHandler handler, bool once) => this.Add(channel, new Entry(handler, null, once));

    public void Add(string channel, StreamHandler handler, bool once) => this.Add(channel, new Entry(null, handler, once));

    public void Remove(string channel) => this.handlers.TryRemove(channel ?? throw new ArgumentNullException(nameof(channel)), out _);

    public bool Contains(string channel) => this.handlers.ContainsKey(channel);

    /// <summary>Removes every handler and drops any registered later: the registry's endpoint is gone.</summary>
    public void Close()
    {
        this.closed = true;
        this.handlers.Clear();
    }

    /// <summary>Runs the handler for an Invoke or InvokeStream frame and sends its answer when it is done.</summary>
    /// <param name="connection">The link the call came on.</param>
    /// <param name="frame">The call.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="sender">What <paramref name="createEvent"/> makes the event for: the calling endpoint.</param>
    /// <param name="createEvent">Makes the handler's event from the sender, the channel and the call's cancellation token (a static lambda: nothing is allocated for it per call).</param>
    /// <param name="first">
    /// A registry that takes precedence (the calling endpoint's own handlers): when it has a handler for the channel,
    /// that one answers, whatever its kind; otherwise this registry's does.
    /// </param>
    /// <typeparam name="TSender">The type of <paramref name="sender"/>.</typeparam>
    public void Dispatch<TSender>(IpcConnection connection, Frame frame, IpcArgs args, TSender sender, Func<TSender, string, CancellationToken, TEvent> createEvent, HandlerRegistry<TEvent>? first = null)
    {
        string channel = frame.Channel;
        bool streaming = frame.Kind == FrameKind.InvokeStream;
        if (streaming && frame.InitialCredit < 1)
        {
            connection.Violation($"a stream invoke on '{channel}' granting {frame.InitialCredit} items of credit");
            return;
        }

        Entry? entry = Take(first, this, channel, streaming, out string? refusal);
        if (entry is null)
        {
            connection.SendError(frame.CallId, new ErrorPayload { Code = ErrorCode.NoHandler, Message = refusal ?? NoHandler(channel) });
            return;
        }

        CancellationToken token = streaming
            ? connection.BeginInboundStream(frame.CallId, channel, (int)Math.Min(frame.InitialCredit, int.MaxValue))
            : connection.BeginInbound(frame.CallId, channel);
        TEvent e = createEvent(sender, channel, token);

        // The handler's span is current while it runs, so what it calls in turn joins the caller's trace.
        Activity? previous = Activity.Current;
        Activity? span = Telemetry.StartHandler(channel, connection.EndpointId, frame.Trace);
        try
        {
            if (streaming)
            {
                _ = RunStreamAsync(connection, frame.CallId, entry.Stream!, e, args, span, token);
            }
            else
            {
                RunUnary(connection, frame.CallId, entry.Unary!, e, args, span);
            }
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public static UnaryHandler Wrap<TResult>(PayloadSerializer serializer, string channel, Func<TEvent, IpcArgs, TResult> handler)
    {
        Check(channel, handler);
        return (e, a) => new ValueTask<ReadOnlyMemory<byte>>(serializer.SerializeValue(handler(e, a)));
    }

    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public static UnaryHandler Wrap<TResult>(PayloadSerializer serializer, string channel, Func<TEvent, IpcArgs, Task<TResult>> handler)
    {
        Check(channel, handler);
        return (e, a) =>
        {
            Task<TResult> task = handler(e, a) ?? throw NullTask(channel);
            return task.Status == TaskStatus.RanToCompletion
                ? new ValueTask<ReadOnlyMemory<byte>>(serializer.SerializeValue(task.Result))
                : AwaitAsync(task, serializer);
        };

        static async ValueTask<ReadOnlyMemory<byte>> AwaitAsync(Task<TResult> task, PayloadSerializer s) => s.SerializeValue(await task.ConfigureAwait(false));
    }

    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public static UnaryHandler Wrap<TResult>(PayloadSerializer serializer, string channel, Func<TEvent, IpcArgs, ValueTask<TResult>> handler)
    {
        Check(channel, handler);
        return (e, a) =>
        {
            ValueTask<TResult> task = handler(e, a);
            return task.IsCompletedSuccessfully
                ? new ValueTask<ReadOnlyMemory<byte>>(serializer.SerializeValue(task.Result))
                : AwaitAsync(task, serializer);
        };

        static async ValueTask<ReadOnlyMemory<byte>> AwaitAsync(ValueTask<TResult> task, PayloadSerializer s) => s.SerializeValue(await task.ConfigureAwait(false));
    }

    public static UnaryHandler Wrap(string channel, Func<TEvent, IpcArgs, Task> handler)
    {
        Check(channel, handler);
        return (e, a) =>
        {
            Task task = handler(e, a) ?? throw NullTask(channel);
            return task.Status == TaskStatus.RanToCompletion ? new ValueTask<ReadOnlyMemory<byte>>(NullResult) : AwaitAsync(task);
        };

        static async ValueTask<ReadOnlyMemory<byte>> AwaitAsync(Task task)
        {
            await task.ConfigureAwait(false);
            return NullResult;
        }
    }

    public static UnaryHandler Wrap(string channel, Func<TEvent, IpcArgs, ValueTask> handler)
    {
        Check(channel, handler);
        return (e, a) =>
        {
            ValueTask task = handler(e, a);
            return task.IsCompletedSuccessfully ? new ValueTask<ReadOnlyMemory<byte>>(NullResult) : AwaitAsync(task);
        };

        static async ValueTask<ReadOnlyMemory<byte>> AwaitAsync(ValueTask task)
        {
            await task.ConfigureAwait(false);
            return NullResult;
        }
    }

    public static UnaryHandler Wrap(string channel, Action<TEvent, IpcArgs> handler)
    {
        Check(channel, handler);
        return (e, a) =>
        {
            handler(e, a);
            return new ValueTask<ReadOnlyMemory<byte>>(NullResult);
        };
    }

    [RequiresUnreferencedCode(ReflectionMessages.UnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.DynamicCode)]
    public static StreamHandler WrapStream<TItem>(PayloadSerializer serializer, string channel, Func<TEvent, IpcArgs, IAsyncEnumerable<TItem>> handler)
    {
        Check(channel, handler);
        return async (e, a, emit, cancellationToken) =>
        {
            IAsyncEnumerable<TItem> items = handler(e, a) ?? throw new InvalidOperationException($"The stream handler for '{channel}' returned null.");
            await foreach (TItem item in items.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                await emit(serializer.SerializeValue(item), cancellationToken).ConfigureAwait(false);
            }
        };
    }

    private static void Check(string channel, Delegate handler)
    {
        if (channel is null)
        {
            throw new ArgumentNullException(nameof(channel));
        }

        if (handler is null)
        {
            throw new ArgumentNullException(nameof(handler));
        }
    }

    private static InvalidOperationException NullTask(string channel) => new($"The handler for '{channel}' returned a null task.");

    private static async Task CompleteAsync(IpcConnection connection, long callId, ValueTask<ReadOnlyMemory<byte>> pending, Activity? span)
    {
        ReadOnlyMemory<byte> result;
        try
        {
            result = await pending.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Fail(connection, callId, ex, span);
            return;
        }

        Succeed(connection, callId, result, span);
    }

    /// <summary>Runs a one-result handler and answers with what it returns, at once when it completed synchronously.</summary>
    private static void RunUnary(IpcConnection connection, long callId, UnaryHandler handler, TEvent e, IpcArgs args, Activity? span)
    {
        ValueTask<ReadOnlyMemory<byte>> pending;
        try
        {
            pending = handler(e, args);
        }
        catch (Exception ex)
        {
            Fail(connection, callId, ex, span);
            return;
        }

        if (pending.IsCompletedSuccessfully)
        {
            Succeed(connection, callId, pending.Result, span);
        }
        else
        {
            _ = CompleteAsync(connection, callId, pending, span);
        }
    }

    private static async Task RunStreamAsync(IpcConnection connection, long callId, StreamHandler handler, TEvent e, IpcArgs args, Activity? span, CancellationToken token)
    {
        // Off the dispatch loop at once: a producer awaiting credit must never hold up the messages that bring it.
        await Task.Yield();
        try
        {
            await handler(e, args, (item, ct) => connection.SendStreamItemAsync(callId, item, ct), token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Fail(connection, callId, ex, span);
            return;
        }

        Succeed(connection, callId, NullResult, span);
    }

    private static void Succeed(IpcConnection connection, long callId, ReadOnlyMemory<byte> result, Activity? span)
    {
        // The span ends before the answer goes, so a caller that has the answer finds the handler's span finished. The
        // call is forgotten only after the answer: the trace of the answer reads how long the call took.
        Telemetry.EndHandler(span, null);
        connection.SendResult(callId, result);
        connection.EndInbound(callId);
    }

    private static void Fail(IpcConnection connection, long callId, Exception ex, Activity? span)
    {
        bool cancelled = ex is OperationCanceledException && connection.IsInboundCancelled(callId);
        Telemetry.EndHandler(span, ex);
        connection.SendError(callId, new ErrorPayload
        {
            Code = cancelled ? ErrorCode.Cancelled : ex is IpcSerializationException ? ErrorCode.Serialization : ErrorCode.HandlerFailed,
            Type = ex.GetType().FullName,
            Message = ex.Message,
            Stack = ex.StackTrace,
        });
        connection.EndInbound(callId);
    }

    private void Add(string channel, Entry entry)
    {
        if (channel is null)
        {
            throw new ArgumentNullException(nameof(channel));
        }

        if (this.closed)
        {
            return;
        }

        if (!this.handlers.TryAdd(channel, entry))
        {
            throw new InvalidOperationException($"Attempted to register a second handler for '{channel}'.");
        }

        if (this.closed)
        {
            // Close ran between the check and the add: the handler must not outlive its endpoint.
            this.handlers.TryRemove(channel, out _);
        }
    }

    /// <summary>Takes the handler of the first registry that has one for the channel (Electron's order: the endpoint's, then main's).</summary>
    private static Entry? Take(HandlerRegistry<TEvent>? first, HandlerRegistry<TEvent> then, string channel, bool streaming, out string? refusal)
    {
        Entry? entry;
        if (first is not null && (first.TryTake(channel, streaming, out entry, out refusal) || refusal is not null))
        {
            // The endpoint's handler answers, or refuses a call of the other kind: it shadows main's on that channel.
            return entry;
        }

        then.TryTake(channel, streaming, out entry, out refusal);
        return entry;
    }

    private static string NoHandler(string channel) => $"No handler registered for '{channel}'";

    /// <summary>
    /// Takes this registry's handler for a call. Without one (or when another call took a once-handler first) it returns
    /// <see langword="false"/> with no <paramref name="refusal"/>, so a registry of lower precedence may answer; a handler
    /// of the other kind refuses the call.
    /// </summary>
    private bool TryTake(string channel, bool streaming, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Entry? entry, out string? refusal)
    {
        refusal = null;
        if (!this.handlers.TryGetValue(channel, out entry))
        {
            return false;
        }

        if ((entry.Stream is not null) != streaming)
        {
            refusal = streaming
                ? $"The handler for '{channel}' returns one result, not a stream; use InvokeAsync"
                : $"The handler for '{channel}' returns a stream; use InvokeStream";
            entry = null;
            return false;
        }

        // A once-handler belongs to whichever invoke removes it first.
        if (entry.Once && !((ICollection<KeyValuePair<string, Entry>>)this.handlers).Remove(new KeyValuePair<string, Entry>(channel, entry)))
        {
            entry = null;
            return false;
        }

        return true;
    }

    private sealed class Entry
    {
        public Entry(UnaryHandler? unary, StreamHandler? stream, bool once)
        {
            this.Unary = unary;
            this.Stream = stream;
            this.Once = once;
        }

        public UnaryHandler? Unary { get; }

        public StreamHandler? Stream { get; }

        public bool Once { get; }
    }
}
