using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Core;

public class ContextBridgeTests
{
    public interface INotesApi
    {
        string Echo(string text);

        void Keep(Note note);

        Note Kept();

        Note Current();

        IpcRenderer Leak();

        object LeakAsObject();

        void Subscribe(Action<Note> callback);

        Task<Note> LoadAsync();

        Task<int> CountViaMainAsync();
    }

    public interface IFeedApi
    {
        event Action<string>? Changed;

        void OnNews(Action<IpcRendererEvent, string> callback);

        void OffNews(Action<IpcRendererEvent, string> callback);
    }

    public interface ITaskApi
    {
        Task ReadyAsync();

        Task StartedAsync();

        ValueTask PingAsync();
    }

    public interface IOtherApi
    {
        void Ping();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task MainWorld_Get_GivesAnInterfaceProxyThatIsNotTheImplementation(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.Handle("notes:count", (e, a) => 3);
        NotesApi? impl = null;
        TestRenderer renderer = await bridge.AddRendererAsync(
            ChannelAllowlist.DenyAll.AllowInvoke("notes:count"),
            (ipc, cb) => cb.ExposeInMainWorld<INotesApi>("notes", impl = new NotesApi(ipc)));

        // Act
        INotesApi api = renderer.MainWorld.Get<INotesApi>("notes");

        // Assert
        api.Echo("hi").Should().Be("hi!");
        (await api.CountViaMainAsync().WithTimeout()).Should().Be(3);
        (api is NotesApi).Should().BeFalse();
        api.Should().NotBeSameAs(impl);
        FluentActions.Invoking(() => (NotesApi)(object)api).Should().Throw<InvalidCastException>();
        renderer.MainWorld.Keys.Should().Equal("notes");
        renderer.MainWorld.TryGet("notes", out INotesApi? again).Should().BeTrue();
        again.Should().BeSameAs(api);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task MainWorld_ProxyMethodReturningIpcRenderer_ThrowsIpcSerializationException(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, cb) => cb.ExposeInMainWorld<INotesApi>("notes", new NotesApi(ipc)));
        INotesApi api = renderer.MainWorld.Get<INotesApi>("notes");

        // Act
        Func<IpcRenderer> leak = api.Leak;
        Func<object> leakAsObject = api.LeakAsObject;

        // Assert
        leak.Should().Throw<IpcSerializationException>();
        leakAsObject.Should().Throw<IpcSerializationException>();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task MainWorld_ArgumentPassedToPreload_IsACopy(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        NotesApi impl = null!;
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, cb) => cb.ExposeInMainWorld<INotesApi>("notes", impl = new NotesApi(ipc)));
        INotesApi api = renderer.MainWorld.Get<INotesApi>("notes");
        var pageNote = new Note { Text = "page's", Tags = { "p" } };

        // Act
        api.Keep(pageNote);
        pageNote.Text = "changed by page after the call";
        pageNote.Tags.Add("late");

        // Assert
        impl.Received.Should().NotBeSameAs(pageNote);
        impl.Received!.Text.Should().Be("page's");
        impl.Received.Tags.Should().Equal("p");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task MainWorld_ArgumentMutatedByPreload_PageObjectUnchanged(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        NotesApi impl = null!;
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, cb) => cb.ExposeInMainWorld<INotesApi>("notes", impl = new NotesApi(ipc)));
        INotesApi api = renderer.MainWorld.Get<INotesApi>("notes");
        var pageNote = new Note { Text = "page's" };

        // Act
        api.Keep(pageNote);
        impl.Received!.Text = "changed by preload";

        // Assert
        pageNote.Text.Should().Be("page's");
        api.Kept().Text.Should().Be("changed by preload");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task MainWorld_ResultReturnedToPage_IsACopy(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        NotesApi impl = null!;
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, cb) => cb.ExposeInMainWorld<INotesApi>("notes", impl = new NotesApi(ipc)));
        INotesApi api = renderer.MainWorld.Get<INotesApi>("notes");

        // Act
        Note first = api.Current();
        first.Text = "changed by page";
        first.Tags.Add("page");
        impl.State.Text = "changed by preload";
        Note second = api.Current();

        // Assert
        first.Should().NotBeSameAs(impl.State);
        first.Text.Should().Be("changed by page");
        impl.State.Tags.Should().Equal("state");
        second.Text.Should().Be("changed by preload");
        second.Tags.Should().Equal("state");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task MainWorld_CallbackFromPage_ReceivesCopiesOfWhatPreloadPasses(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        NotesApi impl = null!;
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, cb) => cb.ExposeInMainWorld<INotesApi>("notes", impl = new NotesApi(ipc)));
        INotesApi api = renderer.MainWorld.Get<INotesApi>("notes");
        var pageGot = new List<Note>();
        api.Subscribe(n => pageGot.Add(n));

        // Act: preload calls the page's callback twice with its own object.
        impl.Fire();
        pageGot[0].Text = "changed by page";
        impl.State.Text = "changed by preload";
        impl.Fire();

        // Assert
        pageGot.Should().HaveCount(2);
        pageGot[0].Should().NotBeSameAs(impl.State);
        pageGot[1].Should().NotBeSameAs(pageGot[0]);
        pageGot[0].Text.Should().Be("changed by page");
        pageGot[1].Text.Should().Be("changed by preload");
        impl.State.Text.Should().Be("changed by preload");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task MainWorld_TaskResult_IsACopy(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        NotesApi impl = null!;
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, cb) => cb.ExposeInMainWorld<INotesApi>("notes", impl = new NotesApi(ipc)));
        INotesApi api = renderer.MainWorld.Get<INotesApi>("notes");
        var preloadNote = new Note { Text = "loaded", Tags = { "t" } };

        // Act
        Task<Note> loading = api.LoadAsync();
        impl.Load.SetResult(preloadNote);
        Note pageNote = await loading.WithTimeout();
        pageNote.Tags.Add("page");

        // Assert
        pageNote.Should().NotBeSameAs(preloadNote);
        pageNote.Text.Should().Be("loaded");
        preloadNote.Tags.Should().Equal("t");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task ContextBridge_ExposeNonInterface_ThrowsArgumentException(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        Exception? thrown = null;

        // Act
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, cb) =>
        {
            try
            {
                cb.ExposeInMainWorld("notes", new NotesApi(ipc));
            }
            catch (Exception ex)
            {
                thrown = ex;
            }
        });

        // Assert
        thrown.Should().BeOfType<ArgumentException>();
        renderer.MainWorld.Keys.Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task ContextBridge_ExposeSameKeyTwice_ThrowsAndKeepsFirst(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        Exception? thrown = null;

        // Act
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, cb) =>
        {
            cb.ExposeInMainWorld<INotesApi>("notes", new NotesApi(ipc, "first"));
            try
            {
                cb.ExposeInMainWorld<INotesApi>("notes", new NotesApi(ipc, "second"));
            }
            catch (Exception ex)
            {
                thrown = ex;
            }
        });

        // Assert
        thrown.Should().BeOfType<InvalidOperationException>().Which.Message.Should().Contain("'notes'");
        renderer.MainWorld.Get<INotesApi>("notes").Current().Text.Should().Be("first");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task MainWorld_GetWithWrongInterfaceOrMissingKey_Throws(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, cb) => cb.ExposeInMainWorld<INotesApi>("notes", new NotesApi(ipc)));

        // Act
        Func<IOtherApi> wrongInterface = () => renderer.MainWorld.Get<IOtherApi>("notes");
        Func<INotesApi> missingKey = () => renderer.MainWorld.Get<INotesApi>("nope");

        // Assert
        wrongInterface.Should().Throw<InvalidCastException>();
        missingKey.Should().Throw<KeyNotFoundException>().WithMessage("*'nope'*");
        renderer.MainWorld.TryGet("notes", out IOtherApi? other).Should().BeFalse();
        other.Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task MainWorld_CallbackExpectingIpcRendererEvent_NeverReceivesIt(TransportKind transport)
    {
        // Arrange: preload forwards raw IPC events to page code (the anti-pattern Electron's docs warn about).
        using var logs = new CapturingLoggerProvider();
        using Microsoft.Extensions.Logging.ILoggerFactory loggerFactory = logs.CreateFactory();
        await using var bridge = Bridge.Create(transport, loggerFactory: loggerFactory);
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, cb) => cb.ExposeInMainWorld<IFeedApi>("feed", new FeedApi(ipc)));
        IFeedApi api = renderer.MainWorld.Get<IFeedApi>("feed");
        var pageGot = new List<object>();
        api.OnNews((e, s) => pageGot.Add(e));
        var preloadGot = new Recorder<string>();
        renderer.Ipc.On<string>("news", (e, s) => preloadGot.Add(s));

        // Act
        renderer.WebContents.Send("news", "hello");
        await preloadGot.WaitFor("hello");

        // Assert: listeners run in order, so the page's would have run already.
        pageGot.Should().BeEmpty();
        logs.Entries.Should().Contain(l => l.Exception is IpcSerializationException);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task MainWorld_EventUnsubscribedWithSameHandler_StopsReceiving(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        FeedApi impl = null!;
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, cb) => cb.ExposeInMainWorld<IFeedApi>("feed", impl = new FeedApi(ipc)));
        IFeedApi api = renderer.MainWorld.Get<IFeedApi>("feed");
        var got = new List<string>();
        Action<string> handler = s => got.Add(s);

        // Act
        api.Changed += handler;
        impl.Publish("one");
        api.Changed -= handler;
        impl.Publish("two");

        // Assert
        got.Should().Equal("one");
        impl.SubscriberCount.Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task MainWorld_ListenerRemovedWithSameCallback_StopsReceiving(TransportKind transport)
    {
        // Arrange: page code registers and later removes an IPC listener through preload.
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, cb) => cb.ExposeInMainWorld<IFeedApi>("feed", new FeedApi(ipc)));
        IFeedApi api = renderer.MainWorld.Get<IFeedApi>("feed");
        Action<IpcRendererEvent, string> callback = (e, s) => { };

        // Act
        api.OnNews(callback);
        api.OnNews(callback);
        int registered = renderer.Ipc.ListenerCount("news");
        api.OffNews(callback);
        api.OffNews(callback);

        // Assert
        registered.Should().Be(2);
        renderer.Ipc.ListenerCount("news").Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task MainWorld_UntypedTaskResult_DoesNotCarryPreloadObjects(TransportKind transport)
    {
        // Arrange: preload returns tasks whose result or state is its IpcRenderer, declared as plain Task/ValueTask.
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync(preload: (ipc, cb) => cb.ExposeInMainWorld<ITaskApi>("tasks", new TaskApi(ipc)));
        ITaskApi api = renderer.MainWorld.Get<ITaskApi>("tasks");

        // Act
        Task ready = api.ReadyAsync();
        Task started = api.StartedAsync();
        Task ping = api.PingAsync().AsTask();
        await Task.WhenAll(ready, started, ping).WithTimeout();

        // Assert: page code awaits them as before, but cannot read the IpcRenderer out of them.
        (ready is Task<IpcRenderer>).Should().BeFalse();
        started.AsyncState.Should().BeNull();
        (ping is Task<IpcRenderer>).Should().BeFalse();
    }

    public sealed class TaskApi : ITaskApi
    {
        private readonly IpcRenderer ipc;

        public TaskApi(IpcRenderer ipc) => this.ipc = ipc;

        public Task ReadyAsync() => Task.FromResult(this.ipc);

        public Task StartedAsync() => Task.Factory.StartNew(_ => { }, this.ipc, CancellationToken.None, TaskCreationOptions.None, TaskScheduler.Default);

        public ValueTask PingAsync() => new(Task.FromResult(this.ipc));
    }

    public sealed class FeedApi : IFeedApi
    {
        private readonly IpcRenderer ipc;

        public FeedApi(IpcRenderer ipc) => this.ipc = ipc;

        public event Action<string>? Changed;

        public int SubscriberCount => this.Changed?.GetInvocationList().Length ?? 0;

        public void OnNews(Action<IpcRendererEvent, string> callback) => this.ipc.On("news", callback);

        public void OffNews(Action<IpcRendererEvent, string> callback) => this.ipc.RemoveListener("news", callback);

        public void Publish(string text) => this.Changed?.Invoke(text);
    }

    public sealed class Note
    {
        public string Text { get; set; } = string.Empty;

        public List<string> Tags { get; set; } = new();
    }

    /// <summary>Preload's implementation; page code must never reach it.</summary>
    public sealed class NotesApi : INotesApi
    {
        private readonly IpcRenderer ipc;
        private Action<Note>? callback;

        public NotesApi(IpcRenderer ipc, string text = "state")
        {
            this.ipc = ipc;
            this.State = new Note { Text = text, Tags = { "state" } };
        }

        public Note? Received { get; private set; }

        public Note State { get; }

        public TaskCompletionSource<Note> Load { get; } = Signal.Create<Note>();

        public string Echo(string text) => text + "!";

        public void Keep(Note note) => this.Received = note;

        public Note Kept() => this.Received!;

        public Note Current() => this.State;

        public IpcRenderer Leak() => this.ipc;

        public object LeakAsObject() => this.ipc;

        public void Subscribe(Action<Note> callback) => this.callback = callback;

        public void Fire() => this.callback!(this.State);

        public Task<Note> LoadAsync() => this.Load.Task;

        public Task<int> CountViaMainAsync() => this.ipc.InvokeAsync<int>("notes:count");
    }
}
