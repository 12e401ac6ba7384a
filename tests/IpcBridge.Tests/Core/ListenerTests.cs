using System;
using System.Linq;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace IpcBridge.Tests.Core;

public class ListenerTests
{
    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_SeveralListeners_RunInRegistrationOrder(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var seen = new Recorder<string>();
        foreach (string name in new[] { "d", "a", "c", "b", "e" })
        {
            bridge.IpcMain.On("ch", (e, a) => seen.Add(name));
        }

        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        renderer.Ipc.Send("ch");
        await seen.WaitForCount(5);

        // Assert
        seen.Items.Should().Equal("d", "a", "c", "b", "e");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_Once_FiresForTheFirstMessageOnly(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var once = new Recorder<int>();
        var always = new Recorder<int>();
        bridge.IpcMain.Once("ch", (e, a) => once.Add(a.Get<int>(0)));
        bridge.IpcMain.On("ch", (e, a) => always.Add(a.Get<int>(0)));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        renderer.Ipc.Send("ch", 1);
        renderer.Ipc.Send("ch", 2);
        renderer.Ipc.Send("ch", 3);
        await always.WaitForCount(3);

        // Assert
        once.Items.Should().Equal(1);
        bridge.IpcMain.ListenerCount("ch").Should().Be(1);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_RemoveListener_RemovesTheMostRecentRegistrationOfThatDelegate(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var seen = new Recorder<string>();
        Action<IpcMainEvent, IpcArgs> a = (e, args) => seen.Add("a");
        Action<IpcMainEvent, IpcArgs> b = (e, args) => seen.Add("b");
        bridge.IpcMain.On("ch", a).On("ch", b).On("ch", a);
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        bridge.IpcMain.RemoveListener("ch", a);
        renderer.Ipc.Send("ch");
        await seen.WaitForCount(2);

        // Assert: removing the first registration would have left b, a.
        seen.Items.Should().Equal("a", "b");
        bridge.IpcMain.ListenerCount("ch").Should().Be(2);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_RemoveTypedListener_StopsOnlyThatListener(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var removed = new Recorder<int>();
        var kept = new Recorder<int>();
        Action<IpcMainEvent, int> typed = (e, n) => removed.Add(n);
        bridge.IpcMain.On("ch", typed);
        bridge.IpcMain.On<int>("ch", (e, n) => kept.Add(n));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        bridge.IpcMain.RemoveListener("ch", typed);
        renderer.Ipc.Send("ch", 7);
        await kept.WaitForCount(1);

        // Assert
        removed.Items.Should().BeEmpty();
        kept.Items.Should().Equal(7);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_TwoArgumentTypedListener_ReadsBothArguments(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var seen = new Recorder<string>();
        Action<IpcMainEvent, string, int> listener = (e, name, count) => seen.Add($"{name}x{count}");
        bridge.IpcMain.On("pair", listener);
        bridge.IpcMain.Once<string, int>("pair", (e, name, count) => seen.Add("once " + name));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        renderer.Ipc.Send("pair", "apples", 3);
        renderer.Ipc.Send("pair", "pears", 4);
        await seen.WaitFor("pearsx4");
        bridge.IpcMain.RemoveListener("pair", listener);
        renderer.Ipc.Send("pair", "plums", 5);
        bridge.IpcMain.On("marker", (e, a) => seen.Add("marker"));
        renderer.Ipc.Send("marker");
        await seen.WaitFor("marker");

        // Assert
        seen.Items.Should().Equal("applesx3", "once apples", "pearsx4", "marker");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_ListenerRemovedDuringEmit_StillRunsForThatMessage(TransportKind transport)
    {
        // Arrange: Node's EventEmitter: removal during an emit does not change the emit in progress.
        await using var bridge = Bridge.Create(transport);
        var seen = new Recorder<string>();
        Action<IpcMainEvent, IpcArgs> second = (e, a) => seen.Add("second:" + a.Get<int>(0));
        bridge.IpcMain.On("ch", (e, a) =>
        {
            seen.Add("first:" + a.Get<int>(0));
            bridge.IpcMain.RemoveListener("ch", second);
        });
        bridge.IpcMain.On("ch", second);
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        renderer.Ipc.Send("ch", 1);
        renderer.Ipc.Send("ch", 2);
        await seen.WaitFor("first:2");

        // Assert
        seen.Items.Should().Equal("first:1", "second:1", "first:2");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_RemoveAllListenersOfOneChannel_LeavesOtherChannels(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var seen = new Recorder<string>();
        bridge.IpcMain.On("one", (e, a) => seen.Add(e.Channel)).On("one", (e, a) => seen.Add(e.Channel));
        bridge.IpcMain.On("two", (e, a) => seen.Add(e.Channel));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        bridge.IpcMain.RemoveAllListeners("one");
        renderer.Ipc.Send("one");
        renderer.Ipc.Send("two");
        await seen.WaitFor("two");

        // Assert: "one" was sent first on the same link, so it would have been recorded before "two".
        seen.Items.Should().Equal("two");
        bridge.IpcMain.ListenerCount("one").Should().Be(0);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_RemoveAllListenersOfAllChannels_RemovesEveryChannel(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var seen = new Recorder<string>();
        bridge.IpcMain.On("one", (e, a) => seen.Add(e.Channel));
        bridge.IpcMain.On("two", (e, a) => seen.Add(e.Channel));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        bridge.IpcMain.RemoveAllListeners();
        bridge.IpcMain.On("marker", (e, a) => seen.Add(e.Channel));
        renderer.Ipc.Send("one");
        renderer.Ipc.Send("two");
        renderer.Ipc.Send("marker");
        await seen.WaitFor("marker");

        // Assert
        seen.Items.Should().Equal("marker");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcRenderer_SeveralListeners_RunInRegistrationOrder(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync();
        var seen = new Recorder<string>();
        foreach (string name in new[] { "c", "a", "e", "b", "d" })
        {
            renderer.Ipc.On("ch", (e, a) => seen.Add(name));
        }

        // Act
        renderer.WebContents.Send("ch");
        await seen.WaitForCount(5);

        // Assert
        seen.Items.Should().Equal("c", "a", "e", "b", "d");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcRenderer_Once_FiresForTheFirstMessageOnly(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync();
        var once = new Recorder<int>();
        var always = new Recorder<int>();
        renderer.Ipc.Once<int>("ch", (e, n) => once.Add(n));
        renderer.Ipc.On<int>("ch", (e, n) => always.Add(n));

        // Act
        renderer.WebContents.Send("ch", 1);
        renderer.WebContents.Send("ch", 2);
        renderer.WebContents.Send("ch", 3);
        await always.WaitForCount(3);

        // Assert
        once.Items.Should().Equal(1);
        renderer.Ipc.ListenerCount("ch").Should().Be(1);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcRenderer_RemoveListener_RemovesTheMostRecentRegistrationOfThatDelegate(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync();
        var seen = new Recorder<string>();
        Action<IpcRendererEvent, IpcArgs> a = (e, args) => seen.Add("a");
        Action<IpcRendererEvent, IpcArgs> b = (e, args) => seen.Add("b");
        renderer.Ipc.On("ch", a).On("ch", b).On("ch", a);

        // Act
        renderer.Ipc.RemoveListener("ch", a);
        renderer.WebContents.Send("ch");
        await seen.WaitForCount(2);

        // Assert
        seen.Items.Should().Equal("a", "b");
        renderer.Ipc.ListenerCount("ch").Should().Be(2);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcRenderer_RemoveAllListenersOfOneChannel_LeavesOtherChannels(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync();
        var seen = new Recorder<string>();
        renderer.Ipc.On("one", (e, a) => seen.Add(e.Channel)).On("one", (e, a) => seen.Add(e.Channel));
        renderer.Ipc.On("two", (e, a) => seen.Add(e.Channel));

        // Act
        renderer.Ipc.RemoveAllListeners("one");
        renderer.WebContents.Send("one");
        renderer.WebContents.Send("two");
        await seen.WaitFor("two");

        // Assert
        seen.Items.Should().Equal("two");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcRenderer_RemoveAllListenersOfAllChannels_RemovesEveryChannel(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync();
        var seen = new Recorder<string>();
        renderer.Ipc.On("one", (e, a) => seen.Add(e.Channel));
        renderer.Ipc.On("two", (e, a) => seen.Add(e.Channel));

        // Act
        renderer.Ipc.RemoveAllListeners();
        renderer.Ipc.On("marker", (e, a) => seen.Add(e.Channel));
        renderer.WebContents.Send("one");
        renderer.WebContents.Send("two");
        renderer.WebContents.Send("marker");
        await seen.WaitFor("marker");

        // Assert
        seen.Items.Should().Equal("marker");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_ListenerThrows_OtherListenersStillRunAndFailureIsLogged(TransportKind transport)
    {
        // Arrange
        using var logs = new CapturingLoggerProvider();
        using ILoggerFactory loggerFactory = logs.CreateFactory();
        await using var bridge = Bridge.Create(transport, loggerFactory: loggerFactory);
        var seen = new Recorder<string>();
        bridge.IpcMain.On("ch", (e, a) => seen.Add("before"));
        bridge.IpcMain.On("ch", (e, a) => throw new InvalidOperationException("listener broke"));
        bridge.IpcMain.On("ch", (e, a) => seen.Add("after"));
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        renderer.Ipc.Send("ch");
        await seen.WaitFor("after");

        // Assert
        seen.Items.Should().Equal("before", "after");
        logs.Entries.Should().ContainSingle(l => l.EventId.Id == 1)
            .Which.Exception.Should().BeOfType<InvalidOperationException>()
            .Which.Message.Should().Be("listener broke");
        logs.Entries.Single(l => l.EventId.Id == 1).Message.Should().Contain("'ch'");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcRenderer_ListenerThrows_OtherListenersStillRunAndFailureIsLogged(TransportKind transport)
    {
        // Arrange
        using var logs = new CapturingLoggerProvider();
        using ILoggerFactory loggerFactory = logs.CreateFactory();
        await using var bridge = Bridge.Create(transport, loggerFactory: loggerFactory);
        TestRenderer renderer = await bridge.AddRendererAsync();
        var seen = new Recorder<string>();
        renderer.Ipc.On("ch", (e, a) => seen.Add("before"));
        renderer.Ipc.On("ch", (e, a) => throw new InvalidOperationException("renderer listener broke"));
        renderer.Ipc.On("ch", (e, a) => seen.Add("after"));

        // Act
        renderer.WebContents.Send("ch");
        await seen.WaitFor("after");

        // Assert
        seen.Items.Should().Equal("before", "after");
        logs.Entries.Should().ContainSingle(l => l.EventId.Id == 1)
            .Which.Exception.Should().BeOfType<InvalidOperationException>()
            .Which.Message.Should().Be("renderer listener broke");
    }
}
