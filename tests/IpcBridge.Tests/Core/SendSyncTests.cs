using System;
using System.Text.Json;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Core;

public class SendSyncTests
{
    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcRenderer_SendSyncTyped_ReturnsListenerReturnValue(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.On<int>("sync:double", (e, n) => e.ReturnValue = n * 2);
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        int result = await Task.Run(() => renderer.Ipc.SendSync<int>("sync:double", 21)).WithTimeout();

        // Assert
        result.Should().Be(42);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcRenderer_SendSyncUntyped_ReturnsJsonElement(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.On("sync:info", (e, a) => e.ReturnValue = new Info { Name = a.Get<string>(0), Size = 3 });
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        JsonElement result = await Task.Run(() => renderer.Ipc.SendSync("sync:info", "report.txt")).WithTimeout();

        // Assert
        result.ValueKind.Should().Be(JsonValueKind.Object);
        result.GetProperty("name").GetString().Should().Be("report.txt");
        result.GetProperty("size").GetInt32().Should().Be(3);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMainEvent_ReturnValueSetLaterFromAnotherThread_StillArrives(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TaskCompletionSource<IpcMainEvent> received = Signal.Create<IpcMainEvent>();
        bridge.IpcMain.On("sync:later", (e, a) => received.TrySetResult(e));
        bridge.IpcMain.Handle("ping", (e, a) => "pong");
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act: the listener returns without answering; the test answers from its own thread afterwards.
        Task<string> call = Task.Run(() => renderer.Ipc.SendSync<string>("sync:later"));
        IpcMainEvent e = await received.Task.WithTimeout("the sync message");

        // An answer main had sent already would arrive before the ping's, which it sends later on the same link.
        await renderer.Ipc.InvokeAsync<string>("ping").WithTimeout();
        bool answeredBeforeReturnValue = call.IsCompleted;
        await Task.Run(() => e.ReturnValue = "from another thread");
        string result = await call.WithTimeout();

        // Assert
        answeredBeforeReturnValue.Should().BeFalse();
        e.IsSync.Should().BeTrue();
        result.Should().Be("from another thread");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcRenderer_SendSyncNobodySetsReturnValue_ThrowsIpcTimeoutException(TransportKind transport)
    {
        // Arrange: 200 ms bounds the wait; only the exception is asserted, not the time.
        await using var bridge = Bridge.Create(transport, new IpcBridgeOptions { SendSyncTimeout = TimeSpan.FromMilliseconds(200) });
        var seen = new Recorder<IpcMainEvent>();
        bridge.IpcMain.On("sync:silent", (e, a) => seen.Add(e));
        bridge.IpcMain.Handle("ping", (e, a) => "pong");
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Func<Task> act = () => Task.Run(() => renderer.Ipc.SendSync("sync:silent")).WithTimeout();

        // Assert
        IpcTimeoutException ex = (await act.Should().ThrowAsync<IpcTimeoutException>()).Which;
        ex.Channel.Should().Be("sync:silent");
        await seen.WaitForCount(1);
        IpcMainEvent e = seen.Items.Should().ContainSingle().Subject;

        // An answer after the sender gave up is dropped; it must not break the link.
        e.ReturnValue = "too late";
        (await renderer.Ipc.InvokeAsync<string>("ping").WithTimeout()).Should().Be("pong");
        renderer.Ipc.IsDisconnected.Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcRenderer_SendSyncInsideRendererListener_GetsAnswer(TransportKind transport)
    {
        // Arrange: a renderer's own dispatch thread may block on main; main's answers do not queue behind it.
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.On<int>("sync:square", (e, n) => e.ReturnValue = n * n);
        TestRenderer renderer = await bridge.AddRendererAsync();
        TaskCompletionSource<int> outcome = Signal.Create<int>();
        renderer.Ipc.On<int>("compute", (e, n) => outcome.TrySetResult(e.Sender.SendSync<int>("sync:square", n)));

        // Act
        renderer.WebContents.Send("compute", 9);

        // Assert
        (await outcome.Task.WithTimeout("the listener's SendSync")).Should().Be(81);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcRenderer_SendSyncWithoutListener_ThrowsIpcInvocationExceptionWithoutWaitingForTimeout(TransportKind transport)
    {
        // Arrange: the default timeout (30 s) is longer than the signal timeout, so reaching it would fail the test.
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Func<Task> act = () => Task.Run(() => renderer.Ipc.SendSync("sync:nobody")).WithTimeout();

        // Assert
        IpcInvocationException ex = (await act.Should().ThrowAsync<IpcInvocationException>()).Which;
        ex.Channel.Should().Be("sync:nobody");
        ex.Message.Should().Contain("'sync:nobody'");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcRenderer_SendSyncOnMainDispatchThread_ThrowsInvalidOperationExceptionInsteadOfDeadlocking(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync();
        TaskCompletionSource<Exception?> outcome = Signal.Create<Exception?>();
        bridge.IpcMain.On("sync:inner", (e, a) => e.ReturnValue = 1);
        bridge.IpcMain.On("outer", (e, a) =>
        {
            try
            {
                renderer.Ipc.SendSync<int>("sync:inner");
                outcome.TrySetResult(null);
            }
            catch (Exception ex)
            {
                outcome.TrySetResult(ex);
            }
        });
        bridge.IpcMain.Handle("ping", (e, a) => "pong");

        // Act
        renderer.Ipc.Send("outer");
        Exception? thrown = await outcome.Task.WithTimeout("the listener's SendSync to return or throw");

        // Assert: and main's dispatch loop still works afterwards.
        thrown.Should().BeOfType<InvalidOperationException>().Which.Message.Should().Contain("sync:inner");
        (await renderer.Ipc.InvokeAsync<string>("ping").WithTimeout()).Should().Be("pong");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMainEvent_ReturnValueSetTwice_ThrowsAndSenderKeepsFirst(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TaskCompletionSource<Exception?> second = Signal.Create<Exception?>();
        bridge.IpcMain.On("sync:twice", (e, a) =>
        {
            e.ReturnValue = 1;
            try
            {
                e.ReturnValue = 2;
                second.TrySetResult(null);
            }
            catch (Exception ex)
            {
                second.TrySetResult(ex);
            }
        });
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        int result = await Task.Run(() => renderer.Ipc.SendSync<int>("sync:twice")).WithTimeout();
        Exception? thrown = await second.Task.WithTimeout();

        // Assert
        result.Should().Be(1);
        thrown.Should().BeOfType<InvalidOperationException>();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMainEvent_ReturnValueOnOneWayEvent_Throws(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TaskCompletionSource<(bool IsSync, Exception? Error)> outcome = Signal.Create<(bool, Exception?)>();
        bridge.IpcMain.On("oneway", (e, a) =>
        {
            try
            {
                e.ReturnValue = 1;
                outcome.TrySetResult((e.IsSync, null));
            }
            catch (Exception ex)
            {
                outcome.TrySetResult((e.IsSync, ex));
            }
        });
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        renderer.Ipc.Send("oneway");
        (bool isSync, Exception? error) = await outcome.Task.WithTimeout();

        // Assert
        isSync.Should().BeFalse();
        error.Should().BeOfType<InvalidOperationException>().Which.Message.Should().Contain("oneway");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMainEvent_UncloneableReturnValue_ThrowsInListenerAndSenderGetsSerializationError(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TaskCompletionSource<Exception?> listenerOutcome = Signal.Create<Exception?>();
        bridge.IpcMain.On("sync:bad", (e, a) =>
        {
            try
            {
                e.ReturnValue = new Action(() => { });
                listenerOutcome.TrySetResult(null);
            }
            catch (Exception ex)
            {
                listenerOutcome.TrySetResult(ex);
            }
        });
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Func<Task> act = () => Task.Run(() => renderer.Ipc.SendSync("sync:bad")).WithTimeout();

        // Assert
        await act.Should().ThrowAsync<IpcSerializationException>();
        (await listenerOutcome.Task.WithTimeout()).Should().BeOfType<IpcSerializationException>();
    }

    public sealed class Info
    {
        public string? Name { get; set; }

        public int Size { get; set; }
    }
}
