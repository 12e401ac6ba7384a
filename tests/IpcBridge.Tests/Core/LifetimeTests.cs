using System;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Core;

public class LifetimeTests
{
    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task MainProcess_Dispose_FailsPendingInvokeAndDestroysEveryWebContents(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TaskCompletionSource<bool> started = Signal.Create<bool>();
        TaskCompletionSource<int> never = Signal.Create<int>();
        bridge.IpcMain.Handle("hang", async (e, a) =>
        {
            started.TrySetResult(true);
            return await never.Task;
        });
        TestRenderer window = await bridge.AddRendererAsync();
        TestRenderer work = await bridge.AddRendererAsync(kind: EndpointKind.Work);
        var destroyed = new Recorder<int>();
        window.WebContents.Destroyed += (s, _) => destroyed.Add(((WebContents)s!).Id);
        work.WebContents.Destroyed += (s, _) => destroyed.Add(((WebContents)s!).Id);
        Task<int> call = window.Ipc.InvokeAsync<int>("hang");
        await started.Task.WithTimeout("the handler to start");

        // Act
        await bridge.Main.DisposeAsync();

        // Assert
        IpcDisconnectedException ex = (await FluentActions.Awaiting(() => call.WithTimeout()).Should().ThrowAsync<IpcDisconnectedException>()).Which;
        ex.Reason.Should().Be(DisconnectReason.MainDisposed);
        await destroyed.WaitForCount(2);
        destroyed.Items.Should().BeEquivalentTo([window.WebContents.Id, work.WebContents.Id]);
        window.WebContents.IsDestroyed.Should().BeTrue();
        window.Ipc.IsDisconnected.Should().BeTrue();
        bridge.Main.GetAllWebContents().Should().BeEmpty();
        FluentActions.Invoking(() => window.Ipc.Send("after")).Should().Throw<IpcDisconnectedException>();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task WebContents_RendererDisposed_RaisesDestroyedOnceAndLeavesGetAllWebContents(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.Handle("barrier", (e, a) => 0);
        TestRenderer leaving = await bridge.AddRendererAsync();
        TestRenderer staying = await bridge.AddRendererAsync();
        TaskCompletionSource<object?> destroyed = Signal.Create<object?>();
        int raised = 0;
        leaving.WebContents.Destroyed += (s, _) =>
        {
            Interlocked.Increment(ref raised);
            destroyed.TrySetResult(s);
        };
        bridge.Main.GetAllWebContents().Should().Equal(leaving.WebContents, staying.WebContents);

        // Act
        await leaving.DisposeAsync();
        object? sender = await destroyed.Task.WithTimeout("Destroyed");
        await leaving.DisposeAsync();

        // Assert
        sender.Should().BeSameAs(leaving.WebContents);
        leaving.WebContents.IsDestroyed.Should().BeTrue();
        bridge.Main.GetAllWebContents().Should().Equal(staying.WebContents);
        bridge.Main.FromId(leaving.WebContents.Id).Should().BeNull();
        bridge.Main.FromId(staying.WebContents.Id).Should().BeSameAs(staying.WebContents);
        staying.WebContents.IsDestroyed.Should().BeFalse();

        // Destroyed is raised on main's dispatch loop: a late duplicate would run before this round trip is answered,
        // and main's own shutdown, which destroys what is left, must not raise it again either.
        (await staying.Ipc.InvokeAsync<int>("barrier").WithTimeout()).Should().Be(0);
        await bridge.Main.DisposeAsync();
        raised.Should().Be(1);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task WebContents_SendAfterDestroyed_ThrowsIpcDisconnectedException(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync();
        TaskCompletionSource<bool> destroyed = Signal.Create<bool>();
        renderer.WebContents.Destroyed += (_, _) => destroyed.TrySetResult(true);
        await renderer.DisposeAsync();
        await destroyed.Task.WithTimeout("Destroyed");

        // Act
        Action send = () => renderer.WebContents.Send("news", 1);
        Action sendTyped = () => renderer.WebContents.Send<string>("news", "typed");

        // Assert
        send.Should().Throw<IpcDisconnectedException>();
        sendTyped.Should().Throw<IpcDisconnectedException>();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task WebContents_RendererDisposed_MessagesSentBeforeAreAllDispatchedBeforeDestroyed(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync();
        int received = 0;
        bridge.IpcMain.On("burst", (e, a) => Interlocked.Increment(ref received));
        TaskCompletionSource<int> countAtDestroyed = Signal.Create<int>();
        renderer.WebContents.Destroyed += (_, _) => countAtDestroyed.TrySetResult(Volatile.Read(ref received));
        const int Count = 500;

        // Act
        for (int i = 0; i < Count; i++)
        {
            renderer.Ipc.Send("burst", i);
        }

        await renderer.DisposeAsync();

        // Assert
        (await countAtDestroyed.Task.WithTimeout("Destroyed")).Should().Be(Count);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task WebContents_Close_DestroysEndpointAndFailsRendererCalls(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TaskCompletionSource<bool> started = Signal.Create<bool>();
        TaskCompletionSource<int> never = Signal.Create<int>();
        bridge.IpcMain.Handle("hang", async (e, a) =>
        {
            started.TrySetResult(true);
            return await never.Task;
        });
        TestRenderer renderer = await bridge.AddRendererAsync();
        TaskCompletionSource<bool> destroyed = Signal.Create<bool>();
        renderer.WebContents.Destroyed += (_, _) => destroyed.TrySetResult(true);
        Task<int> call = renderer.Ipc.InvokeAsync<int>("hang");
        await started.Task.WithTimeout("the handler to start");

        // Act
        renderer.WebContents.Close();

        // Assert
        await FluentActions.Awaiting(() => call.WithTimeout()).Should().ThrowAsync<IpcDisconnectedException>();
        await destroyed.Task.WithTimeout("Destroyed");
        renderer.Ipc.IsDisconnected.Should().BeTrue();
    }
}
