using System;
using System.Linq;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Core;

/// <summary>Failures reach the side that can act on them, promptly and as copies.</summary>
public class FailureReportingTests
{
    public interface IRiskyApi
    {
        void Fail();

        Task<int> FailLaterAsync();

        void Subscribe(Delegate callback);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task SendSync_ListenerThrowsBeforeAnswering_CallerFailsAtOnceWithTheError(TransportKind transport)
    {
        // The timeout is far longer than the test's own: only an immediate error answer can pass.
        await using var bridge = Bridge.Create(transport, new IpcBridgeOptions { SendSyncTimeout = TimeSpan.FromMinutes(5) });
        bridge.IpcMain.On("sync:broken", (e, a) => throw new FormatException("bad input"));
        TestRenderer renderer = await bridge.AddRendererAsync();

        Task<string> call = Task.Run(() => renderer.Ipc.SendSync<string>("sync:broken"));

        IpcInvocationException ex = (await FluentActions.Awaiting(() => call.WithTimeout()).Should().ThrowAsync<IpcInvocationException>()).Which;
        ex.RemoteTypeName.Should().Be(typeof(FormatException).FullName);
        ex.RemoteMessage.Should().Be("bad input");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task SendSync_ListenerAnswersThenAnotherThrows_CallerGetsTheAnswer(TransportKind transport)
    {
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.On("sync:mixed", (e, a) => e.ReturnValue = "answered");
        bridge.IpcMain.On("sync:mixed", (e, a) => throw new InvalidOperationException("late failure"));
        TestRenderer renderer = await bridge.AddRendererAsync();

        string result = await Task.Run(() => renderer.Ipc.SendSync<string>("sync:mixed")).WithTimeout();

        result.Should().Be("answered");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Listener_OwnSerializationFailure_IsLoggedAsAListenerFailureNotAsUnreadableArguments(TransportKind transport)
    {
        var logs = new CapturingLoggerProvider();
        await using var bridge = Bridge.Create(transport, null, logs.CreateFactory());
        var marker = Signal.Create<bool>();
        bridge.IpcMain.On<string>("typed", (e, s) => e.Reply("back", new Action(() => { })));
        bridge.IpcMain.On<int>("typed-bad", (e, n) => { });
        bridge.IpcMain.On("marker", (e, a) => marker.TrySetResult(true));
        TestRenderer renderer = await bridge.AddRendererAsync();

        renderer.Ipc.Send("typed", "fine");
        renderer.Ipc.Send("typed-bad", "not a number");
        renderer.Ipc.Send("marker");
        await marker.Task.WithTimeout();

        logs.Entries.Should().Contain(e => e.EventId.Id == 1 && e.Message.Contains("'typed'"));
        logs.Entries.Should().Contain(e => e.EventId.Id == 8 && e.Message.Contains("'typed-bad'"));
        logs.Entries.Should().NotContain(e => e.EventId.Id == 8 && e.Message.Contains("'typed'"));
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task ContextBridge_PreloadException_ReachesPageAsACopy(TransportKind transport)
    {
        await using var bridge = Bridge.Create(transport);
        var api = new RiskyApi();
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, cb) => cb.ExposeInMainWorld<IRiskyApi>("risky", api));
        IRiskyApi page = renderer.MainWorld.Get<IRiskyApi>("risky");

        IpcInvocationException sync = FluentActions.Invoking(page.Fail).Should().Throw<IpcInvocationException>().Which;
        IpcInvocationException later = (await FluentActions.Awaiting(page.FailLaterAsync).Should().ThrowAsync<IpcInvocationException>()).Which;

        sync.RemoteTypeName.Should().Be(typeof(PreloadSecretException).FullName);
        sync.RemoteMessage.Should().Be("no");
        sync.Should().NotBeSameAs(api.Thrown);
        sync.Data.Count.Should().Be(0, "what preload's exception held stays in preload");
        later.RemoteTypeName.Should().Be(typeof(PreloadSecretException).FullName);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task ContextBridge_ParameterDeclaredAsDelegate_RefusedWithSerializationError(TransportKind transport)
    {
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, cb) => cb.ExposeInMainWorld<IRiskyApi>("risky", new RiskyApi()));
        IRiskyApi page = renderer.MainWorld.Get<IRiskyApi>("risky");

        FluentActions.Invoking(() => page.Subscribe(new Action(() => { }))).Should().Throw<IpcSerializationException>();
    }

    public sealed class PreloadSecretException : Exception
    {
        public PreloadSecretException(object secret)
            : base("no")
        {
            this.Data["secret"] = secret;
        }
    }

    public sealed class RiskyApi : IRiskyApi
    {
        public Exception? Thrown { get; private set; }

        public void Fail()
        {
            var ex = new PreloadSecretException(this);
            this.Thrown = ex;
            throw ex;
        }

        public async Task<int> FailLaterAsync()
        {
            await Task.Yield();
            throw new PreloadSecretException(this);
        }

        public void Subscribe(Delegate callback)
        {
        }
    }
}
