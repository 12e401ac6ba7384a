using System;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Calls;

/// <summary><see cref="WebContents.InvokeAsync{TResult}(string, object?[])"/> paired with <see cref="IpcRenderer.Handle{TResult}(string, Func{IpcRendererInvokeEvent, IpcArgs, TResult})"/>.</summary>
public class InvokeFromMainTests
{
    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task InvokeAsync_RendererHandler_ReturnsItsResult(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, _) =>
        {
            ipc.Handle("sum", (e, a) => a.Get<int>(0) + a.Get<int>(1));
            ipc.Handle("greet", async (e, a) =>
            {
                await Task.Yield();
                return $"hello {a.Get<string>(0)} from {e.Channel}";
            });
        });

        // Act
        int sum = await renderer.WebContents.InvokeAsync<int>("sum", 2, 3).WithTimeout();
        string greeting = await renderer.WebContents.InvokeAsync<string>("greet", "main").WithTimeout();

        // Assert
        sum.Should().Be(5);
        greeting.Should().Be("hello main from greet");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task InvokeAsync_HandleOnceAndRemoveHandler_LaterCallsFailNamingTheChannel(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, _) =>
        {
            ipc.HandleOnce("once", (e, a) => "first");
            ipc.Handle("removable", (e, a) => 1);
        });

        // Act
        string first = await renderer.WebContents.InvokeAsync<string>("once").WithTimeout();
        Func<Task> second = () => renderer.WebContents.InvokeAsync<string>("once").WithTimeout();
        (await renderer.WebContents.InvokeAsync<int>("removable").WithTimeout()).Should().Be(1);
        renderer.Ipc.RemoveHandler("removable");
        Func<Task> removed = () => renderer.WebContents.InvokeAsync<int>("removable").WithTimeout();

        // Assert
        first.Should().Be("first");
        (await second.Should().ThrowAsync<IpcInvocationException>()).Which.Message.Should().Contain("'once'");
        (await removed.Should().ThrowAsync<IpcInvocationException>()).Which.Message.Should().Contain("'removable'");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task InvokeAsync_RendererHandlerThrows_TypeMessageAndStackReachMain(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, _) =>
            ipc.Handle<int>("fail", (e, a) => throw new FormatException("bad number")));

        // Act
        Func<Task> act = () => renderer.WebContents.InvokeAsync<int>("fail").WithTimeout();

        // Assert
        IpcInvocationException error = (await act.Should().ThrowAsync<IpcInvocationException>()).Which;
        error.RemoteTypeName.Should().Be(typeof(FormatException).FullName);
        error.RemoteMessage.Should().Be("bad number");
        error.RemoteStackTrace.Should().Contain(nameof(InvokeAsync_RendererHandlerThrows_TypeMessageAndStackReachMain));
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task InvokeAsync_ChannelNotAllowedToHandle_DeniedAtMainAndAtTheRenderer(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        Exception? registration = null;
        ChannelAllowlist allowlist = ChannelAllowlist.DenyAll.AllowHandle("allowed");
        TestRenderer renderer = await bridge.AddRendererAsync(allowlist, (ipc, _) =>
        {
            ipc.Handle("allowed", (e, a) => "ok");
            registration = Record.Exception(() => ipc.Handle("secret", (e, a) => "leak"));
        });

        // Act
        Func<Task> denied = () => renderer.WebContents.InvokeAsync<string>("secret").WithTimeout();
        string allowed = await renderer.WebContents.InvokeAsync<string>("allowed").WithTimeout();

        // Assert
        allowed.Should().Be("ok");
        registration.Should().BeOfType<IpcAccessDeniedException>();
        (await denied.Should().ThrowAsync<IpcAccessDeniedException>()).Which.Operation.Should().Be(IpcOperation.Handle);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task InvokeAsync_RendererDeniesAForgedCallOutsideItsList(TransportKind transport)
    {
        // Arrange: main is allowed to call 'allowed' only; a frame for 'secret' is written below WebContents.
        await using var bridge = Bridge.Create(transport);
        bool ran = false;
        TestRenderer renderer = await bridge.AddRendererAsync(ChannelAllowlist.DenyAll.AllowHandle("allowed"), (ipc, _) => ipc.Handle("allowed", (e, a) => ran = true));

        // Act
        Task<ReadOnlyMemory<byte>> forged = renderer.WebContents.Connection.CallAsync(Protocol.FrameKind.Invoke, "secret", "[]"u8.ToArray(), null, CancellationToken.None, out _);
        Func<Task> act = () => forged.WithTimeout();

        // Assert
        await act.Should().ThrowAsync<IpcAccessDeniedException>();
        ran.Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task InvokeAsync_RendererNeverAnswers_TimesOutNamingChannelAndDurationAndCancelsTheHandler(TransportKind transport)
    {
        // Arrange
        var options = new IpcBridgeOptions { MainInvokeTimeout = TimeSpan.FromMilliseconds(200) };
        await using var bridge = Bridge.Create(transport, options);
        var cancelled = Signal.Create<bool>();
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, _) => ipc.Handle("hang", async (e, a) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, e.CancellationToken).ContinueWith(_ => cancelled.TrySetResult(true), TaskScheduler.Default);
            return 0;
        }));

        // Act
        Func<Task> act = () => renderer.WebContents.InvokeAsync<int>("hang").WithTimeout();

        // Assert
        IpcTimeoutException error = (await act.Should().ThrowAsync<IpcTimeoutException>()).Which;
        error.Channel.Should().Be("hang");
        error.Timeout.Should().Be(TimeSpan.FromMilliseconds(200));
        error.Message.Should().Contain("'hang'").And.Contain("200 ms");
        (await cancelled.Task.WithTimeout("the handler's token")).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task InvokeAsync_PerCallAndPerChannelTimeoutsOverrideTheDefault(TransportKind transport)
    {
        // Arrange
        var options = new IpcBridgeOptions { MainInvokeTimeout = TimeSpan.FromMinutes(5) };
        options.ChannelTimeouts["slow"] = TimeSpan.FromMilliseconds(150);
        await using var bridge = Bridge.Create(transport, options);
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, _) =>
        {
            ipc.Handle("slow", async (e, a) => { await Task.Delay(Timeout.InfiniteTimeSpan, e.CancellationToken); return 0; });
            ipc.Handle("other", async (e, a) => { await Task.Delay(Timeout.InfiniteTimeSpan, e.CancellationToken); return 0; });
        });

        // Act
        Func<Task> byChannel = () => renderer.WebContents.InvokeAsync<int>("slow").WithTimeout();
        Func<Task> byCall = () => renderer.WebContents.InvokeAsync<int>("other", Array.Empty<object?>(), TimeSpan.FromMilliseconds(100)).WithTimeout();
        Action infinite = () => renderer.WebContents.InvokeAsync<int>("other", Array.Empty<object?>(), Timeout.InfiniteTimeSpan);

        // Assert
        (await byChannel.Should().ThrowAsync<IpcTimeoutException>()).Which.Timeout.Should().Be(TimeSpan.FromMilliseconds(150));
        (await byCall.Should().ThrowAsync<IpcTimeoutException>()).Which.Timeout.Should().Be(TimeSpan.FromMilliseconds(100));
        infinite.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task InvokeAsync_EndpointGoesAwayWhileHandling_FailsAtOnceWithDisconnected(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var started = Signal.Create<bool>();
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, _) => ipc.Handle("hang", async (e, a) =>
        {
            started.TrySetResult(true);
            await Task.Delay(Timeout.InfiniteTimeSpan, e.CancellationToken);
            return 0;
        }));
        Task<int> call = renderer.WebContents.InvokeAsync<int>("hang");
        await started.Task.WithTimeout("the handler");

        // Act
        await renderer.DisposeAsync();
        Func<Task> act = () => call.WithTimeout();

        // Assert
        await act.Should().ThrowAsync<IpcDisconnectedException>();
        Func<Task> afterwards = () => renderer.WebContents.InvokeAsync<int>("hang");
        await afterwards.Should().ThrowAsync<IpcDisconnectedException>();
    }

    [Fact]
    public void Options_InvalidTimeouts_AreRefused()
    {
        new IpcBridgeOptions { MainInvokeTimeout = TimeSpan.Zero }.Invoking(o => o.Validate()).Should().Throw<ArgumentOutOfRangeException>();
        new IpcBridgeOptions { InvokeTimeout = TimeSpan.FromSeconds(-1) }.Invoking(o => o.Validate()).Should().Throw<ArgumentOutOfRangeException>();
        new IpcBridgeOptions { StreamWindow = 0 }.Invoking(o => o.Validate()).Should().Throw<ArgumentOutOfRangeException>();
        var options = new IpcBridgeOptions();
        options.ChannelTimeouts["x"] = TimeSpan.Zero;
        options.Invoking(o => o.Validate()).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'x'*");
    }
}
