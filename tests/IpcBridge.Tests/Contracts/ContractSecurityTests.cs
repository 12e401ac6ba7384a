using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Protocol;
using IpcBridge.Tests.Core;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Contracts;

/// <summary>A contract as an allowlist, and a contract client handed to page code through the context bridge.</summary>
public class ContractSecurityTests
{
    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task AllowContract_PermitsExactlyTheContractsMethodsAtTheRenderer(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.HandleContract<IFiles>(new Files());
        bridge.IpcMain.HandleContract<IPlain>(new Files());
        bridge.IpcMain.Handle("other", (e, a) => "other");
        TestRenderer renderer = await bridge.AddRendererAsync(ChannelAllowlist.DenyAll.AllowContract<IFiles>());

        // Act
        IFiles files = renderer.Ipc.GetContract<IFiles>();
        IPlain plain = renderer.Ipc.GetContract<IPlain>();

        // Assert
        (await files.AddAsync(2, 2).WithTimeout()).Should().Be(4);
        (await files.CountAsync(2).ReadAllAsync()).Should().Equal(0, 1);
        IpcAccessDeniedException denied = (await FluentActions.Awaiting(() => plain.PingAsync().WithTimeout()).Should().ThrowAsync<IpcAccessDeniedException>()).Which;
        denied.Channel.Should().Be("IPlain.PingAsync");
        denied.Operation.Should().Be(IpcOperation.Invoke);
        await FluentActions.Awaiting(() => renderer.Ipc.InvokeAsync<string>("other").WithTimeout()).Should().ThrowAsync<IpcAccessDeniedException>();
        FluentActions.Invoking(() => renderer.Ipc.Send("files.ReadAsync")).Should().Throw<IpcAccessDeniedException>("the contract grants Invoke only");
        renderer.Ipc.Allowlist.IsAllowed(IpcOperation.Invoke, "files.AddAsync").Should().BeFalse("the method is served as 'files.sum'");
        renderer.Ipc.Allowlist.IsAllowed(IpcOperation.Invoke, "files.sum").Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task AllowContract_ForgedCallsOutsideTheContract_AreDeniedByMain(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.HandleContract<IFiles>(new Files());
        bridge.IpcMain.HandleContract<IPlain>(new Files());
        var denied = new Recorder<AccessDeniedEventArgs>();
        bridge.Main.AccessDenied += (_, args) => denied.Add(args);
        TestRenderer renderer = await bridge.AddRendererAsync(ChannelAllowlist.DenyAll.AllowContract<IFiles>());

        // Act: write below IpcRenderer, as a compromised renderer could.
        Task<ReadOnlyMemory<byte>> forged = renderer.Ipc.Connection.CallAsync(FrameKind.Invoke, "IPlain.PingAsync", "[]"u8.ToArray(), null, CancellationToken.None, out _);
        Task<ReadOnlyMemory<byte>> granted = renderer.Ipc.Connection.CallAsync(FrameKind.Invoke, "files.sum", "[2,3]"u8.ToArray(), null, CancellationToken.None, out _);

        // Assert
        IpcAccessDeniedException error = (await FluentActions.Awaiting(() => forged.WithTimeout()).Should().ThrowAsync<IpcAccessDeniedException>()).Which;
        error.Channel.Should().Be("IPlain.PingAsync");
        System.Text.Encoding.UTF8.GetString((await granted.WithTimeout()).Span).Should().Be("5");
        denied.Items.Select(d => (d.Operation, d.Channel)).Should().Equal((IpcOperation.Invoke, "IPlain.PingAsync"));
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task ContextBridge_ExposedContractClient_WorksFromPageCode(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var implementation = new Files();
        bridge.IpcMain.HandleContract<IFiles>(implementation);
        IFiles? client = null;
        TestRenderer renderer = await bridge.AddRendererAsync(
            ChannelAllowlist.DenyAll.AllowContract<IFiles>(),
            (ipc, contextBridge) => contextBridge.ExposeInMainWorld("files", client = ipc.GetContract<IFiles>()));

        // Act
        IFiles page = renderer.MainWorld.Get<IFiles>("files");
        var note = new Note("page", 1);
        Note starred = await page.StarAsync(note).WithTimeout();
        int length = await page.LengthAsync("abc").AsTask().WithTimeout();
        await page.TouchAsync("t").AsTask().WithTimeout();
        List<int> counted = await page.CountAsync(3).ReadAllAsync();

        // Assert
        page.Should().NotBeSameAs(client, "page code gets a bridge proxy, not preload's client");
        starred.Should().Be(new Note("page", 2));
        length.Should().Be(3);
        implementation.Touched.Should().Equal("t");
        counted.Should().Equal(0, 1, 2);
        IpcInvocationException error = (await FluentActions.Awaiting(() => page.FailAsync("from page").WithTimeout()).Should().ThrowAsync<IpcInvocationException>()).Which;
        error.RemoteTypeName.Should().Be(typeof(FormatException).FullName, "what failed in main reaches page code");
        error.RemoteMessage.Should().Be("from page");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task ContextBridge_ExposedContractClient_PageTokensAndEarlyStopsReachMain(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        var implementation = new Files();
        bridge.IpcMain.HandleContract<IFiles>(implementation);
        TestRenderer renderer = await bridge.AddRendererAsync(
            ChannelAllowlist.DenyAll.AllowContract<IFiles>(),
            (ipc, contextBridge) => contextBridge.ExposeInMainWorld("files", ipc.GetContract<IFiles>()));
        IFiles page = renderer.MainWorld.Get<IFiles>("files");
        using var cts = new CancellationTokenSource();

        // Act
        Task<string> waiting = page.WaitAsync(cts.Token);
        await implementation.WaitStarted.Task.WithTimeout("main's implementation to start");
        cts.Cancel();
        var read = new List<string>();
        await foreach (string item in page.EndlessAsync(CancellationToken.None).WithTimeout())
        {
            read.Add(item);
            if (read.Count == 5)
            {
                break;
            }
        }

        // Assert
        await FluentActions.Awaiting(() => waiting.WithTimeout()).Should().ThrowAsync<OperationCanceledException>();
        (await implementation.WaitCancelled.Task.WithTimeout("main's token")).Should().BeTrue();
        read.Should().HaveCount(5);
        (await implementation.EndlessStopped.Task.WithTimeout("main's producer to stop")).Should().BeTrue();
    }
}

/// <summary>Reading a stream whole, with the test timeout per item.</summary>
internal static class AsyncEnumerableExtensions
{
    public static async Task<List<T>> ReadAllAsync<T>(this IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (T item in items.WithTimeout())
        {
            list.Add(item);
        }

        return list;
    }
}
