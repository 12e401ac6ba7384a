using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Diagnostics;

/// <summary>Spans for calls: the caller's client span and the handler's server span, linked across the link.</summary>
[Collection(TelemetryGroup.Name)]
public sealed class TracingTests : IDisposable
{
    private readonly ConcurrentQueue<Activity> stopped = new();
    private readonly System.Threading.SemaphoreSlim anotherStopped = new(0);
    private readonly ActivityListener listener;

    public TracingTests()
    {
        this.listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == IpcBridgeDiagnostics.ActivitySourceName || source.Name == nameof(TracingTests),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                this.stopped.Enqueue(activity);
                this.anotherStopped.Release();
            },
        };
        ActivitySource.AddActivityListener(this.listener);
    }

    public void Dispose()
    {
        this.listener.Dispose();
        this.anotherStopped.Dispose();
    }

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
        (Activity client, Activity server) = await this.SpansAsync(channel);

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

        (Activity outerClient, Activity outerServer) = await this.SpansAsync(outer);
        (Activity innerClient, Activity innerServer) = await this.SpansAsync(inner);

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
        (Activity client, Activity server) = await this.SpansAsync(channel);

        // Assert
        client.Status.Should().Be(ActivityStatusCode.Error);
        client.GetTagItem("ipc.outcome").Should().Be("error");
        server.Status.Should().Be(ActivityStatusCode.Error);
        server.GetTagItem("exception.type").Should().Be(typeof(InvalidOperationException).FullName);
    }

    [Fact]
    public async Task NoListener_NoSpansAndCallsStillWork()
    {
        // Arrange
        this.listener.Dispose();
        await using var bridge = Bridge.Create(TransportKind.Stream);
        bridge.IpcMain.Handle("trace:none", (e, a) => 1);
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        int result = await renderer.Ipc.InvokeAsync<int>("trace:none").WithTimeout();

        // Assert
        result.Should().Be(1);
        this.stopped.Should().NotContain(a => Equals(a.GetTagItem("ipc.channel"), "trace:none"));
    }

    /// <summary>The handler's span may stop a moment after the caller has its answer: wait for both.</summary>
    private async Task<(Activity Client, Activity Server)> SpansAsync(string channel)
    {
        DateTime deadline = DateTime.UtcNow + Signal.Timeout;
        while (true)
        {
            Activity[] spans = this.stopped.Where(a => Equals(a.GetTagItem("ipc.channel"), channel)).ToArray();
            Activity? client = spans.SingleOrDefault(a => a.OperationName == "ipc.invoke");
            Activity? server = spans.SingleOrDefault(a => a.OperationName == "ipc.handle");
            if (client is not null && server is not null)
            {
                return (client, server);
            }

            TimeSpan left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await this.anotherStopped.WaitAsync(left))
            {
                throw new TimeoutException($"Spans for '{channel}': {string.Join(", ", spans.Select(s => s.OperationName))}.");
            }
        }
    }
}
