using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Diagnostics;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Diagnostics;

/// <summary>Spans for calls: the caller's client span and the handler's server span, linked across the link.</summary>
[Collection(TelemetryGroup.Name)]
public sealed class TracingTests : IDisposable
{
    private readonly ConcurrentQueue<Activity> stopped = new();
    private readonly ActivityListener listener;
    private Action<Activity>? onStopped;

    public TracingTests()
    {
        this.listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == IpcBridgeDiagnostics.ActivitySourceName || source.Name == nameof(TracingTests),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                this.stopped.Enqueue(activity);
                Volatile.Read(ref this.onStopped)?.Invoke(activity);
            },
        };
        ActivitySource.AddActivityListener(this.listener);
    }

    public void Dispose() => this.listener.Dispose();

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task RendererInvoke_ClientAndServerSpansShareTheTraceAndAreParentAndChild(TransportKind transport)
    {
        // Arrange
        string channel = $"trace:{transport}:r2m";
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.Handle(channel, (e, a) => "ok");
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        (await renderer.Ipc.InvokeAsync<string>(channel).WithTimeout()).Should().Be("ok");
        (Activity client, Activity server) = this.Spans(channel);

        // Assert
        client.Kind.Should().Be(ActivityKind.Client);
        server.Kind.Should().Be(ActivityKind.Server);
        server.TraceId.Should().Be(client.TraceId);
        server.ParentSpanId.Should().Be(client.SpanId);
        client.GetTagItem("ipc.channel").Should().Be(channel);
        client.GetTagItem("ipc.outcome").Should().Be("ok");
        server.GetTagItem("ipc.endpoint.id").Should().Be(renderer.WebContents.Id);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task MainInvoke_CallerActivityIsTheParent_AndTheHandlersOwnCallsJoinTheTrace(TransportKind transport)
    {
        // Arrange: main invokes the renderer under an activity of its own; the renderer's handler calls main back.
        string outer = $"trace:{transport}:outer", inner = $"trace:{transport}:inner";
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.Handle(inner, (e, a) => 2);
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, _) =>
            ipc.Handle(outer, async (e, a) => await ipc.InvokeAsync<int>(inner) + 1));
        using var source = new ActivitySource(nameof(TracingTests));

        // Act
        int result;
        ActivityContext root;
        using (Activity? rootActivity = source.StartActivity("user-operation"))
        {
            root = rootActivity!.Context;
            result = await renderer.WebContents.InvokeAsync<int>(outer).WithTimeout();
        }

        (Activity outerClient, Activity outerServer) = this.Spans(outer);
        (Activity innerClient, Activity innerServer) = this.Spans(inner);

        // Assert
        result.Should().Be(3);
        outerClient.ParentSpanId.Should().Be(root.SpanId);
        new[] { outerClient, outerServer, innerClient, innerServer }.Select(a => a.TraceId).Should().AllBeEquivalentTo(root.TraceId);
        outerServer.ParentSpanId.Should().Be(outerClient.SpanId);
        innerClient.ParentSpanId.Should().Be(outerServer.SpanId, "the handler's own call is made inside its span");
        innerServer.ParentSpanId.Should().Be(innerClient.SpanId);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task FailingInvoke_BothSpansCarryTheError(TransportKind transport)
    {
        // Arrange
        string channel = $"trace:{transport}:fail";
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.Handle<int>(channel, (e, a) => throw new InvalidOperationException("nope"));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Func<Task> act = () => renderer.Ipc.InvokeAsync<int>(channel).WithTimeout();
        await act.Should().ThrowAsync<IpcInvocationException>();
        (Activity client, Activity server) = this.Spans(channel);

        // Assert
        client.Status.Should().Be(ActivityStatusCode.Error);
        client.GetTagItem("ipc.outcome").Should().Be("error");
        server.Status.Should().Be(ActivityStatusCode.Error);
        server.GetTagItem("exception.type").Should().Be(typeof(InvalidOperationException).FullName);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task HandlerSpan_IsStoppedBeforeTheAnswerIsSent(TransportKind transport)
    {
        // Arrange: when the handler's span stops, the caller's must still be running, since the caller's span stops as
        // soon as the answer arrives (in one process, during the write of the answer).
        string channel = $"trace:{transport}:order";
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.Handle(channel, (e, a) => "ok");
        TestRenderer renderer = await bridge.AddRendererAsync();
        var answeredBeforeStop = Signal.Create<bool>();
        Volatile.Write(ref this.onStopped, span =>
        {
            if (span.OperationName == "ipc.handle" && Equals(span.GetTagItem("ipc.channel"), channel))
            {
                answeredBeforeStop.TrySetResult(this.stopped.Any(a => a.OperationName == "ipc.invoke" && Equals(a.GetTagItem("ipc.channel"), channel)));
            }
        });

        // Act
        string result = await renderer.Ipc.InvokeAsync<string>(channel).WithTimeout();

        // Assert
        result.Should().Be("ok");
        (await answeredBeforeStop.Task.WithTimeout("the handler's span")).Should().BeFalse("the handler's span stops before its answer is written");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task StreamInvoke_ClientAndServerSpansAreParentAndChild_AndEndWhenTheStreamEnds(TransportKind transport)
    {
        // Arrange
        string channel = $"trace:{transport}:stream";
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.HandleStream(channel, (e, a) => Numbers(3));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        var items = new List<int>();
        await foreach (int item in renderer.Ipc.InvokeStream<int>(channel).WithTimeout())
        {
            items.Add(item);
        }

        (Activity client, Activity server) = this.Spans(channel);

        // Assert
        items.Should().Equal(0, 1, 2);
        client.Kind.Should().Be(ActivityKind.Client);
        client.GetTagItem("ipc.frame").Should().Be("InvokeStream");
        client.GetTagItem("ipc.outcome").Should().Be("ok");
        server.Kind.Should().Be(ActivityKind.Server);
        server.TraceId.Should().Be(client.TraceId);
        server.ParentSpanId.Should().Be(client.SpanId);
        server.Status.Should().Be(ActivityStatusCode.Unset);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task StreamInvoke_MainReadsRendererStream_SpansAreParentAndChild(TransportKind transport)
    {
        // Arrange
        string channel = $"trace:{transport}:stream-m2r";
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, _) => ipc.HandleStream(channel, (e, a) => Numbers(2)));

        // Act
        var items = new List<int>();
        await foreach (int item in renderer.WebContents.InvokeStream<int>(channel).WithTimeout())
        {
            items.Add(item);
        }

        (Activity client, Activity server) = this.Spans(channel);

        // Assert
        items.Should().Equal(0, 1);
        server.TraceId.Should().Be(client.TraceId);
        server.ParentSpanId.Should().Be(client.SpanId);
        server.GetTagItem("ipc.endpoint.id").Should().Be(renderer.WebContents.Id);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task StreamInvoke_ReaderStopsEarly_ClientSpanEndsAsCancelled(TransportKind transport)
    {
        // Arrange
        string channel = $"trace:{transport}:stream-early";
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.HandleStream(channel, (e, a) => Numbers(int.MaxValue));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        await foreach (int item in renderer.Ipc.InvokeStream<int>(channel).WithTimeout())
        {
            if (item == 2)
            {
                break;
            }
        }

        // Assert: the caller's span ended when the loop did, not never.
        Activity client = this.stopped.Should().ContainSingle(a => a.OperationName == "ipc.invoke" && Equals(a.GetTagItem("ipc.channel"), channel)).Subject;
        client.GetTagItem("ipc.outcome").Should().Be("cancelled");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task SendSync_ClientSpanAndListenersServerSpanAreParentAndChild(TransportKind transport)
    {
        // Arrange
        string channel = $"trace:{transport}:sync";
        await using var bridge = Bridge.Create(transport);
        Activity? current = null;
        bridge.IpcMain.On(channel, (e, a) =>
        {
            current = Activity.Current;
            e.ReturnValue = "answered";
        });
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        string result = await Task.Run(() => renderer.Ipc.SendSync<string>(channel)).WithTimeout();
        (Activity client, Activity server) = this.Spans(channel);

        // Assert
        result.Should().Be("answered");
        client.Kind.Should().Be(ActivityKind.Client);
        client.GetTagItem("ipc.frame").Should().Be("SendSync");
        client.GetTagItem("ipc.outcome").Should().Be("ok");
        server.Kind.Should().Be(ActivityKind.Server);
        server.TraceId.Should().Be(client.TraceId);
        server.ParentSpanId.Should().Be(client.SpanId);
        server.GetTagItem("ipc.endpoint.id").Should().Be(renderer.WebContents.Id);
        current.Should().BeSameAs(server, "the listener runs in the span, so what it calls joins the trace");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task SendSync_NobodyAnswers_ClientSpanEndsAsTimeoutAndServerSpanWhenTheListenerReturns(TransportKind transport)
    {
        // Arrange
        string channel = $"trace:{transport}:sync-unanswered";
        await using var bridge = Bridge.Create(transport, new IpcBridgeOptions { SendSyncTimeout = TimeSpan.FromMilliseconds(100) });
        bridge.IpcMain.On(channel, (e, a) => { });
        TestRenderer renderer = await bridge.AddRendererAsync();
        var serverStopped = Signal.Create<Activity>();
        Volatile.Write(ref this.onStopped, span =>
        {
            if (span.OperationName == "ipc.handle" && Equals(span.GetTagItem("ipc.channel"), channel))
            {
                serverStopped.TrySetResult(span);
            }
        });

        // Act: on a busy machine the listener may run only after the sender gave up, so its span is awaited.
        Func<Task> act = () => Task.Run(() => renderer.Ipc.SendSync<string>(channel)).WithTimeout();
        await act.Should().ThrowAsync<IpcTimeoutException>();
        Activity server = await serverStopped.Task.WithTimeout("the listener's span");
        Activity client = this.stopped.Should().ContainSingle(a => a.OperationName == "ipc.invoke" && Equals(a.GetTagItem("ipc.channel"), channel)).Subject;

        // Assert
        client.GetTagItem("ipc.outcome").Should().Be("timeout");
        client.Status.Should().Be(ActivityStatusCode.Error);
        server.ParentSpanId.Should().Be(client.SpanId);
    }

    [Fact]
    public async Task NoListener_NoSpansAndCallsStillWork()
    {
        // Arrange: with no listener the library must make no activity at all; one it made would become current somewhere.
        this.listener.Dispose();
        var seen = new ConcurrentQueue<Activity>();
        void OnCurrentChanged(object? sender, ActivityChangedEventArgs e)
        {
            if (e.Current is { } activity && (Equals(activity.GetTagItem("ipc.channel"), "trace:none") || activity.DisplayName.Contains("trace:none", StringComparison.Ordinal)))
            {
                seen.Enqueue(activity);
            }
        }

        Activity.CurrentChanged += OnCurrentChanged;
        try
        {
            await using var bridge = Bridge.Create(TransportKind.Stream);
            Activity? inHandler = null;
            bridge.IpcMain.Handle("trace:none", (e, a) =>
            {
                inHandler = Activity.Current;
                return 1;
            });
            TestRenderer renderer = await bridge.AddRendererAsync();

            // Act
            int result = await renderer.Ipc.InvokeAsync<int>("trace:none").WithTimeout();

            // Assert
            result.Should().Be(1);
            Telemetry.Source.HasListeners().Should().BeFalse("the test's listener was the only one");
            inHandler.Should().BeNull("no handler span was started");
            seen.Should().BeEmpty();
        }
        finally
        {
            Activity.CurrentChanged -= OnCurrentChanged;
        }
    }

    private static async IAsyncEnumerable<int> Numbers(int count)
    {
        for (int i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return i;
        }
    }

    /// <summary>
    /// Both spans of a call, stopped by the time the caller has its answer: the caller's before its task completes, the
    /// handler's before its answer is written.
    /// </summary>
    private (Activity Client, Activity Server) Spans(string channel)
    {
        Activity[] spans = this.stopped.Where(a => Equals(a.GetTagItem("ipc.channel"), channel)).ToArray();
        Activity? client = spans.SingleOrDefault(a => a.OperationName == "ipc.invoke");
        Activity? server = spans.SingleOrDefault(a => a.OperationName == "ipc.handle");
        client.Should().NotBeNull($"the caller's span for '{channel}' stopped (have: {string.Join(", ", spans.Select(s => s.OperationName))})");
        server.Should().NotBeNull($"the handler's span for '{channel}' stopped (have: {string.Join(", ", spans.Select(s => s.OperationName))})");
        return (client!, server!);
    }
}
