using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Diagnostics;

/// <summary>The meter's instruments and the opt-in frame trace.</summary>
[Collection(TelemetryGroup.Name)]
public sealed class MetricsAndFrameTraceTests : IDisposable
{
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> measurements = new();
    private readonly MeterListener listener = new();
    private readonly SemaphoreSlim recorded = new(0);

    public MetricsAndFrameTraceTests()
    {
        this.listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == IpcBridgeDiagnostics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        this.listener.SetMeasurementEventCallback<long>((i, v, tags, _) => this.Record(i, v, tags));
        this.listener.SetMeasurementEventCallback<double>((i, v, tags, _) => this.Record(i, v, tags));
        this.listener.Start();
    }

    // 'recorded' is left to the collector: a measurement callback still running on another thread as the listener
    // stops would otherwise release a disposed semaphore.
    public void Dispose() => this.listener.Dispose();

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Messages_BytesAndInvokeLatency_AreMeasured(TransportKind transport)
    {
        // Arrange
        string channel = $"metrics:{transport}";
        await using var bridge = Bridge.Create(transport);
        var got = Signal.Create<bool>();
        bridge.IpcMain.On(channel + ":send", (e, a) => got.TrySetResult(true));
        bridge.IpcMain.Handle(channel, (e, a) => "0123456789");
        TestRenderer renderer = await bridge.AddRendererAsync();
        int before = this.Count(IpcBridgeDiagnostics.MessagesInstrument);

        // Act
        renderer.Ipc.Send(channel + ":send", "payload");
        await got.Task.WithTimeout();
        await renderer.Ipc.InvokeAsync<string>(channel).WithTimeout();

        // Assert: a send and an invoke, each sent once and received once, and the answer likewise. In one process the
        // sender counts a frame after handing it over, so the last count may still be on its way: wait for it.
        foreach (string kind in new[] { "Send", "Invoke", "Result" })
        {
            foreach (string direction in new[] { "sent", "received" })
            {
                await this.UntilAsync(
                    () => this.Of(IpcBridgeDiagnostics.MessagesInstrument).Skip(before).Any(m => Equals(m.Tags["ipc.frame"], kind) && Equals(m.Tags["ipc.direction"], direction)),
                    $"a {kind} frame counted as {direction}");
            }
        }

        this.Of(IpcBridgeDiagnostics.BytesInstrument).Should().Contain(m => m.Value == "[\"payload\"]".Length);
        var latency = this.Of(IpcBridgeDiagnostics.InvokeDurationInstrument).Where(m => Equals(m.Tags["ipc.channel"], channel)).ToArray();
        latency.Should().ContainSingle().Which.Tags["ipc.outcome"].Should().Be("ok");
        latency[0].Value.Should().BeGreaterThan(0);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task TimedOutInvoke_IsMeasuredAsTimeout(TransportKind transport)
    {
        // Arrange
        string channel = $"metrics:{transport}:timeout";
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.Handle(channel, async (e, a) => { await Task.Delay(Timeout.InfiniteTimeSpan, e.CancellationToken); return 0; });
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Func<Task> act = () => renderer.Ipc.InvokeAsync<int>(channel, Array.Empty<object?>(), TimeSpan.FromMilliseconds(50)).WithTimeout();
        await act.Should().ThrowAsync<IpcTimeoutException>();

        // Assert
        this.Of(IpcBridgeDiagnostics.InvokeDurationInstrument).Where(m => Equals(m.Tags["ipc.channel"], channel))
            .Should().ContainSingle().Which.Tags["ipc.outcome"].Should().Be("timeout");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task DeniedFrames_AreCountedAtMainAndAtTheRenderer(TransportKind transport)
    {
        // Arrange: the renderer may send nothing; main may send it nothing.
        string channel = $"metrics:{transport}:denied";
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync(ChannelAllowlist.DenyAll.AllowSend("other"));
        var denied = Signal.Create<bool>();
        bridge.Main.AccessDenied += (_, e) => denied.TrySetResult(true);

        // Act: forged frames below IpcRenderer, refused by main; and below WebContents, refused by the renderer: a
        // message it may not receive, then a call it may not handle, whose answer comes after both were refused.
        renderer.Ipc.Connection.Write(new Protocol.Frame(Protocol.FrameKind.Send, 0, channel, "[]"u8.ToArray()));
        await denied.Task.WithTimeout("main to deny");
        renderer.WebContents.Connection.Write(new Protocol.Frame(Protocol.FrameKind.Send, 0, channel + ":receive", "[]"u8.ToArray()));
        Func<Task> call = () => renderer.WebContents.Connection.CallAsync(Protocol.FrameKind.Invoke, channel + ":handle", "[]"u8.ToArray(), null, CancellationToken.None, out _).WithTimeout();
        await call.Should().ThrowAsync<IpcAccessDeniedException>();

        // Assert
        var counted = this.Of(IpcBridgeDiagnostics.DeniedInstrument).ToArray();
        counted.Should().Contain(m => Equals(m.Tags["ipc.channel"], channel) && Equals(m.Tags["ipc.operation"], "Send"));
        counted.Should().Contain(m => Equals(m.Tags["ipc.channel"], channel + ":receive") && Equals(m.Tags["ipc.operation"], "Receive"));
        counted.Should().Contain(m => Equals(m.Tags["ipc.channel"], channel + ":handle") && Equals(m.Tags["ipc.operation"], "Handle"));
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task LiveEndpoints_GoUpOnConnectAndDownWhenGone(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        int before = this.Count(IpcBridgeDiagnostics.LiveEndpointsInstrument);

        // Act
        TestRenderer renderer = await bridge.AddRendererAsync(kind: EndpointKind.Work);
        var destroyed = Signal.Create<bool>();
        renderer.WebContents.Destroyed += (_, _) => destroyed.TrySetResult(true);
        int afterConnect = this.Count(IpcBridgeDiagnostics.LiveEndpointsInstrument);
        await renderer.DisposeAsync();
        await destroyed.Task.WithTimeout("the endpoint to go");

        // Assert
        var changes = this.Of(IpcBridgeDiagnostics.LiveEndpointsInstrument).Skip(before).ToArray();
        changes.Take(afterConnect - before).Should().ContainSingle().Which.Should().Match<(string, double Value, Dictionary<string, object?> Tags)>(m => m.Value == 1 && Equals(m.Tags["ipc.endpoint.kind"], "Work"));
        changes.Should().Contain(m => m.Value == -1 && Equals(m.Tags["ipc.endpoint.kind"], "Work"));
        changes.Sum(m => m.Value).Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task FrameTrace_SeesEveryFrameWithDirectionChannelSizeAndAnswerLatency(TransportKind transport)
    {
        // Arrange
        var traced = new ConcurrentQueue<IpcFrameTrace>();
        var options = new IpcBridgeOptions { FrameTrace = traced.Enqueue };
        await using var bridge = Bridge.Create(transport, options);
        bridge.IpcMain.Handle("ft:add", (e, a) => a.Get<int>(0) + a.Get<int>(1));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        (await renderer.Ipc.InvokeAsync<int>("ft:add", 2, 3).WithTimeout()).Should().Be(5);

        // Assert: the renderer wrote the invoke and main read it (both sides trace into the same callback here).
        IpcFrameTrace[] frames = traced.ToArray();
        frames.Should().Contain(f => f.Direction == IpcTraceDirection.Sent && f.Kind == "Invoke" && f.Channel == "ft:add" && f.Size == "[2,3]".Length && f.EndpointId == renderer.WebContents.Id);
        frames.Should().Contain(f => f.Direction == IpcTraceDirection.Received && f.Kind == "Invoke" && f.Channel == "ft:add");
        frames.Should().Contain(f => f.Direction == IpcTraceDirection.Sent && f.Kind == "Result" && f.Latency != null);
        IpcFrameTrace answer = frames.Single(f => f.Direction == IpcTraceDirection.Received && f.Kind == "Result" && f.Channel == "ft:add");
        answer.Size.Should().Be(1);
        answer.Latency.Should().NotBeNull().And.BeGreaterThan(TimeSpan.Zero);
        answer.ToString().Should().Contain("Result 'ft:add'");
    }

    [Fact]
    public async Task FrameTrace_ThatThrows_DoesNotBreakIpc()
    {
        // Arrange
        var options = new IpcBridgeOptions { FrameTrace = _ => throw new InvalidOperationException("bad trace sink") };
        await using var bridge = Bridge.Create(TransportKind.Stream, options);
        bridge.IpcMain.Handle("ft:robust", (e, a) => "fine");
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        string result = await renderer.Ipc.InvokeAsync<string>("ft:robust").WithTimeout();

        // Assert
        result.Should().Be("fine");
    }

    /// <summary>Waits, one recorded measurement at a time, until <paramref name="condition"/> holds; fails after <see cref="Signal.Timeout"/>.</summary>
    private async Task UntilAsync(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Signal.Timeout);
        while (!condition())
        {
            try
            {
                await this.recorded.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Timed out after {Signal.Timeout.TotalSeconds} s waiting for {what}.");
            }
        }
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        this.measurements.Enqueue((instrument.Name, value, copy));
        this.recorded.Release();
    }

    private IEnumerable<(string Instrument, double Value, Dictionary<string, object?> Tags)> Of(string instrument)
        => this.measurements.Where(m => m.Instrument == instrument);

    private int Count(string instrument) => this.Of(instrument).Count();
}
