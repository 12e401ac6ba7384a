using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Core;

public class OrderingTests
{
    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcMain_InterleavedSendSendSyncInvokePostMessageFromOneRenderer_SeesThemInSendOrder(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var seen = new Recorder<int>();
        bridge.IpcMain.On("order:send", (e, a) => seen.Add(a.Get<int>(0)));
        var portsSeen = new Recorder<int>();
        bridge.IpcMain.On("order:post", (e, a) =>
        {
            int n = a.Get<int>(0);
            seen.Add(n);
            portsSeen.Add(e.Ports.Count);
        });
        bridge.IpcMain.On("order:sync", (e, a) =>
        {
            int n = a.Get<int>(0);
            seen.Add(n);
            e.ReturnValue = n;
        });
        bridge.IpcMain.Handle("order:invoke", (e, a) =>
        {
            int n = a.Get<int>(0);
            seen.Add(n);
            return n;
        });
        TestRenderer renderer = await bridge.AddRendererAsync();
        const int Count = 80;

        // Act: one thread, one link; runs of sends, posts (with and without a port) and invokes that are not awaited,
        // broken by sync sends.
        List<Task<int>> invokes = await Task.Run(() =>
        {
            var pending = new List<Task<int>>();
            for (int i = 0; i < Count; i++)
            {
                switch (i % 8)
                {
                    case 0:
                    case 5:
                        renderer.Ipc.Send("order:send", i);
                        break;
                    case 1:
                    case 3:
                        pending.Add(renderer.Ipc.InvokeAsync<int>("order:invoke", i));
                        break;
                    case 2:
                        renderer.Ipc.PostMessage("order:post", i, new[] { new MessageChannelMain().Port1 });
                        break;
                    case 4:
                    case 7:
                        renderer.Ipc.PostMessage("order:post", i);
                        break;
                    default:
                        renderer.Ipc.SendSync<int>("order:sync", i).Should().Be(i);
                        break;
                }
            }

            return pending;
        });
        int[] results = await Task.WhenAll(invokes).WithTimeout("the invokes");
        await seen.WaitForCount(Count);

        // Assert
        seen.Items.Should().Equal(Enumerable.Range(0, Count));
        results.Should().Equal(Enumerable.Range(0, Count).Where(i => i % 8 is 1 or 3));
        portsSeen.Items.Should().Equal(Enumerable.Range(0, Count).Where(i => i % 8 is 2 or 4 or 7).Select(i => i % 8 == 2 ? 1 : 0));
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task IpcRenderer_MessagesFromMain_ArriveInSendOrder(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync();
        var seen = new Recorder<int>();
        renderer.Ipc.On("order:a", (e, a) => seen.Add(a.Get<int>(0)));
        renderer.Ipc.On("order:b", (e, a) => seen.Add(a.Get<int>(0)));
        const int Count = 200;

        // Act
        for (int i = 0; i < Count; i++)
        {
            renderer.WebContents.Send(i % 2 == 0 ? "order:a" : "order:b", i);
        }

        await seen.WaitForCount(Count);

        // Assert
        seen.Items.Should().Equal(Enumerable.Range(0, Count));
    }
}
