using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Core;

public class SerializationTests
{
    private static readonly string[] UncloneableKinds =
    {
        "Action", "Func", "Task", "TaskOfT", "MemoryStream", "CancellationToken", "MessagePortMain", "IpcRenderer",
        "ObjectWithDelegateProperty", "DelegateInsideList", "IntPtr",
    };

    public static IEnumerable<object[]> TransportsAndUncloneables
        => from t in Transports.All from kind in UncloneableKinds select new object[] { t[0], kind };

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_ListenerMutatesReceivedObject_SenderObjectUnchanged(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var seen = new Recorder<Doc>();
        bridge.IpcMain.On<Doc>("doc", (e, d) =>
        {
            seen.Add(Snapshot(d));
            d.Title = "changed by main";
            d.Tags.Add("main");
        });
        TestRenderer renderer = await bridge.AddRendererAsync();
        var doc = new Doc { Title = "original", Tags = { "a" } };

        // Act
        renderer.Ipc.Send("doc", doc);
        await seen.WaitForCount(1);
        renderer.Ipc.Send("doc", doc);
        await seen.WaitForCount(2);

        // Assert
        doc.Title.Should().Be("original");
        doc.Tags.Should().Equal("a");
        seen.Items.Should().AllSatisfy(d =>
        {
            d.Title.Should().Be("original");
            d.Tags.Should().Equal("a");
        });
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_TwoListeners_GetDistinctInstances(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var instances = new Recorder<Doc>();
        var titles = new Recorder<string>();
        bridge.IpcMain.On<Doc>("doc", (e, d) =>
        {
            instances.Add(d);
            titles.Add(d.Title);
            d.Title = "changed by the first listener";
        });
        bridge.IpcMain.On<Doc>("doc", (e, d) =>
        {
            instances.Add(d);
            titles.Add(d.Title);
        });
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        renderer.Ipc.Send("doc", new Doc { Title = "original" });
        await instances.WaitForCount(2);

        // Assert
        instances.Items[0].Should().NotBeSameAs(instances.Items[1]);
        titles.Items.Should().Equal("original", "original");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task WebContentsAndIpcRenderer_SenderMutatesObjectAfterSendReturns_ReceiverSeesValuesAtSendTime(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync();
        var atMain = new Recorder<Doc>();
        var atRenderer = new Recorder<Doc>();
        bridge.IpcMain.On<Doc>("doc", (e, d) => atMain.Add(d));
        renderer.Ipc.On<Doc>("doc", (e, d) => atRenderer.Add(d));
        var fromRenderer = new Doc { Title = "renderer's", Tags = { "r" } };
        var fromMain = new Doc { Title = "main's", Tags = { "m" } };

        // Act
        renderer.Ipc.Send("doc", fromRenderer);
        fromRenderer.Title = "mutated after send";
        fromRenderer.Tags.Add("late");
        renderer.WebContents.Send("doc", fromMain);
        fromMain.Title = "mutated after send";
        fromMain.Tags.Add("late");
        await atMain.WaitForCount(1);
        await atRenderer.WaitForCount(1);

        // Assert
        atMain.Items[0].Title.Should().Be("renderer's");
        atMain.Items[0].Tags.Should().Equal("r");
        atRenderer.Items[0].Title.Should().Be("main's");
        atRenderer.Items[0].Tags.Should().Equal("m");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcRenderer_CallerMutatesInvokeResult_HandlersObjectUnchanged(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var kept = new Doc { Title = "kept by main", Tags = { "k" } };
        bridge.IpcMain.Handle("doc", (e, a) => kept);
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Doc first = await renderer.Ipc.InvokeAsync<Doc>("doc").WithTimeout();
        first.Title = "changed by renderer";
        first.Tags.Clear();
        Doc second = await renderer.Ipc.InvokeAsync<Doc>("doc").WithTimeout();

        // Assert
        first.Should().NotBeSameAs(kept);
        kept.Title.Should().Be("kept by main");
        kept.Tags.Should().Equal("k");
        second.Should().NotBeSameAs(first);
        second.Title.Should().Be("kept by main");
    }

    [Theory]
    [MemberData(nameof(TransportsAndUncloneables))]
    public async Task IpcRenderer_UncloneableArgument_ThrowsIpcSerializationExceptionAndSendsNothing(TransportKind transport, string kind)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var sent = new Recorder<string>();
        bridge.IpcMain.On("clone", (e, a) => sent.Add("send " + a));
        bridge.IpcMain.On("clone:sync", (e, a) =>
        {
            sent.Add("sync " + a);
            e.ReturnValue = 0;
        });
        bridge.IpcMain.Handle("clone:invoke", (e, a) =>
        {
            sent.Add("invoke " + a);
            return 0;
        });
        TestRenderer renderer = await bridge.AddRendererAsync();
        using var disposables = new Disposables();
        object value = MakeUncloneable(kind, renderer, disposables);

        // Act
        Action send = () => renderer.Ipc.Send("clone", value);
        Action sendParams = () => renderer.Ipc.Send("clone", 1, value);
        Action sendSync = () => renderer.Ipc.SendSync("clone:sync", value);
        Func<Task> invoke = () => renderer.Ipc.InvokeAsync<int>("clone:invoke", value).WithTimeout();

        // Assert
        send.Should().Throw<IpcSerializationException>();
        sendParams.Should().Throw<IpcSerializationException>();
        sendSync.Should().Throw<IpcSerializationException>();
        await invoke.Should().ThrowAsync<IpcSerializationException>();
        renderer.Ipc.Send("clone", "marker");
        await sent.WaitForCount(1);
        sent.Items.Should().Equal("send [\"marker\"]");
    }

    [Theory]
    [MemberData(nameof(TransportsAndUncloneables))]
    public async Task WebContents_UncloneableArgument_ThrowsIpcSerializationExceptionAndSendsNothing(TransportKind transport, string kind)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync();
        var got = new Recorder<string>();
        renderer.Ipc.On("clone", (e, a) => got.Add(a.ToString()));
        using var disposables = new Disposables();
        object value = MakeUncloneable(kind, renderer, disposables);

        // Act
        Action send = () => renderer.WebContents.Send("clone", value);
        Action sendParams = () => renderer.WebContents.Send("clone", "ok", value);

        // Assert
        send.Should().Throw<IpcSerializationException>();
        sendParams.Should().Throw<IpcSerializationException>();
        renderer.WebContents.Send("clone", "marker");
        await got.WaitForCount(1);
        got.Items.Should().Equal("[\"marker\"]");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_HandlerReturningUncloneable_CallerGetsIpcSerializationException(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.Handle("bad", (e, a) => new Func<int>(() => 1));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Func<Task> act = () => renderer.Ipc.InvokeAsync<int>("bad").WithTimeout();

        // Assert
        await act.Should().ThrowAsync<IpcSerializationException>();
    }

    private static Doc Snapshot(Doc d) => new() { Title = d.Title, Tags = d.Tags.ToList() };

    private static object MakeUncloneable(string kind, TestRenderer renderer, Disposables disposables) => kind switch
    {
        "Action" => new Action(() => { }),
        "Func" => new Func<int, int>(x => x + 1),
        "Task" => Task.CompletedTask,
        "TaskOfT" => Task.FromResult(1),
        "MemoryStream" => disposables.Add(new MemoryStream(new byte[] { 1, 2, 3 })),
        "CancellationToken" => disposables.Add(new CancellationTokenSource()).Token,
        "MessagePortMain" => new MessageChannelMain().Port1,
        "IpcRenderer" => renderer.Ipc,
        "ObjectWithDelegateProperty" => new WithCallback { Name = "x", Callback = () => { } },
        "DelegateInsideList" => new List<object> { 1, new Action(() => { }) },
        "IntPtr" => new IntPtr(42),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public sealed class Doc
    {
        public string Title { get; set; } = string.Empty;

        public List<string> Tags { get; set; } = new();
    }

    public sealed class WithCallback
    {
        public string? Name { get; set; }

        public Action? Callback { get; set; }
    }

    private sealed class Disposables : IDisposable
    {
        private readonly List<IDisposable> items = new();

        public T Add<T>(T item)
            where T : IDisposable
        {
            this.items.Add(item);
            return item;
        }

        public void Dispose() => this.items.ForEach(i => i.Dispose());
    }
}
