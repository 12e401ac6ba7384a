using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Contracts;

/// <summary>Contract interfaces called across the link: every return shape, tokens, exceptions and streams, both ways.</summary>
public class ContractCallTests
{
    [Theory]
    [MemberData(nameof(ContractLink.All), MemberType = typeof(ContractLink))]
    public async Task Contract_EveryReturnShape_RoundTrips(TransportKind transport, ContractDirection direction)
    {
        // Arrange
        await using ContractLink link = await ContractLink.ConnectAsync(transport, direction);
        IFiles files = link.Client;

        // Act
        string read = await files.ReadAsync("a.txt").WithTimeout();
        int length = await files.LengthAsync("four").AsTask().WithTimeout();
        await files.WriteAsync("b.txt", "written").WithTimeout();
        string readBack = await files.ReadAsync("b.txt").WithTimeout();
        await files.TouchAsync("c.txt").AsTask().WithTimeout();
        Note starred = await files.StarAsync(new Note("n", 2)).WithTimeout();
        int sum = await files.AddAsync(2, 3).WithTimeout();
        string joined = await files.JoinAsync("left", CancellationToken.None, "right").WithTimeout();
        var counted = new List<int>();
        await foreach (int item in files.CountAsync(5).WithTimeout())
        {
            counted.Add(item);
        }

        // Assert
        read.Should().Be("contents of a.txt");
        length.Should().Be(4);
        readBack.Should().Be("written");
        link.Implementation.Touched.Should().Equal("c.txt");
        starred.Should().Be(new Note("n", 3));
        sum.Should().Be(5);
        joined.Should().Be("left+right (cancellable: True)", "the token is not sent; the implementation gets the call's own");
        counted.Should().Equal(0, 1, 2, 3, 4);
    }

    [Theory]
    [MemberData(nameof(ContractLink.All), MemberType = typeof(ContractLink))]
    public async Task Contract_CallersTokenCancelled_CallerGetsOperationCanceledAndImplementationTokenIsCancelled(TransportKind transport, ContractDirection direction)
    {
        // Arrange
        await using ContractLink link = await ContractLink.ConnectAsync(transport, direction);
        using var cts = new CancellationTokenSource();
        Task<string> call = link.Client.WaitAsync(cts.Token);
        await link.Implementation.WaitStarted.Task.WithTimeout("the implementation to start");

        // Act
        cts.Cancel();
        Func<Task> act = () => call.WithTimeout();

        // Assert
        await act.Should().ThrowAsync<OperationCanceledException>();
        (await link.Implementation.WaitCancelled.Task.WithTimeout("the implementation's token")).Should().BeTrue();
        (await link.Client.AddAsync(1, 1).WithTimeout()).Should().Be(2, "the link stays usable");
    }

    [Theory]
    [MemberData(nameof(ContractLink.All), MemberType = typeof(ContractLink))]
    public async Task Contract_ImplementationThrows_CallerGetsRemoteTypeNameAndMessage(TransportKind transport, ContractDirection direction)
    {
        // Arrange
        await using ContractLink link = await ContractLink.ConnectAsync(transport, direction);

        // Act
        Func<Task> failAsync = () => link.Client.FailAsync("bad input").WithTimeout();
        Func<Task> failAtOnce = () => link.Client.FailAtOnceAsync().WithTimeout();

        // Assert
        IpcInvocationException error = (await failAsync.Should().ThrowAsync<IpcInvocationException>()).Which;
        error.Channel.Should().Be("files.FailAsync");
        error.RemoteTypeName.Should().Be(typeof(FormatException).FullName);
        error.RemoteMessage.Should().Be("bad input");
        error.RemoteStackTrace.Should().Contain(nameof(Files.FailAsync));
        IpcInvocationException early = (await failAtOnce.Should().ThrowAsync<IpcInvocationException>()).Which;
        early.RemoteTypeName.Should().Be(typeof(ArgumentOutOfRangeException).FullName, "a synchronous throw is not hidden behind reflection's wrapper");
        early.RemoteMessage.Should().Contain("thrown before any task existed");
    }

    [Theory]
    [MemberData(nameof(ContractLink.All), MemberType = typeof(ContractLink))]
    public async Task Contract_StreamReaderStopsEarly_ImplementationIsCancelledAndStops(TransportKind transport, ContractDirection direction)
    {
        // Arrange
        await using ContractLink link = await ContractLink.ConnectAsync(transport, direction);

        // Act
        var read = new List<string>();
        await foreach (string item in link.Client.EndlessAsync(CancellationToken.None).WithTimeout())
        {
            read.Add(item);
            if (read.Count == 10)
            {
                break;
            }
        }

        // Assert
        read.Should().Equal(Enumerable.Range(0, 10).Select(i => $"item {i}"));
        (await link.Implementation.EndlessStopped.Task.WithTimeout("the producer to stop")).Should().BeTrue();
        (await link.Implementation.EndlessTokenCancelled.Task.WithTimeout()).Should().BeTrue("the implementation's token parameter saw the stop");
    }

    [Theory]
    [MemberData(nameof(ContractLink.All), MemberType = typeof(ContractLink))]
    public async Task Contract_StreamTokenParameterCancelled_ReaderGetsOperationCanceledAndImplementationStops(TransportKind transport, ContractDirection direction)
    {
        // Arrange
        await using ContractLink link = await ContractLink.ConnectAsync(transport, direction);
        using var cts = new CancellationTokenSource();
        await using IAsyncEnumerator<string> reader = link.Client.EndlessAsync(cts.Token).GetAsyncEnumerator();
        (await reader.MoveNextAsync().AsTask().WithTimeout()).Should().BeTrue();

        // Act
        cts.Cancel();
        Func<Task> readOn = async () =>
        {
            while (await reader.MoveNextAsync().AsTask().WithTimeout())
            {
            }
        };

        // Assert
        await readOn.Should().ThrowAsync<OperationCanceledException>();
        (await link.Implementation.EndlessTokenCancelled.Task.WithTimeout("the producer to stop")).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(ContractLink.All), MemberType = typeof(ContractLink))]
    public async Task Contract_StreamCancelledThroughWithCancellation_ImplementationStops(TransportKind transport, ContractDirection direction)
    {
        // Arrange: the method's own token cannot be cancelled; the reader's can.
        await using ContractLink link = await ContractLink.ConnectAsync(transport, direction);
        using var cts = new CancellationTokenSource();
        var read = new List<string>();

        // Act
        Func<Task> act = async () =>
        {
            await foreach (string item in link.Client.EndlessAsync(CancellationToken.None).WithCancellation(cts.Token))
            {
                read.Add(item);
                if (read.Count == 3)
                {
                    cts.Cancel();
                }
            }
        };

        // Assert: items that had already arrived may still be read; then the enumeration ends.
        await act.Should().ThrowAsync<OperationCanceledException>().WithTimeout();
        read.Should().HaveCountGreaterThanOrEqualTo(3);
        (await link.Implementation.EndlessTokenCancelled.Task.WithTimeout("the producer to stop")).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Contract_ChannelTimeoutFromOptions_AppliesToTheMethodsChannel(TransportKind transport)
    {
        // Arrange
        var options = new IpcBridgeOptions();
        options.ChannelTimeouts["files.WaitAsync"] = TimeSpan.FromMilliseconds(150);
        await using ContractLink link = await ContractLink.ConnectAsync(transport, ContractDirection.RendererCallsMain, options);

        // Act
        Func<Task> act = () => link.Client.WaitAsync(CancellationToken.None).WithTimeout();

        // Assert
        IpcTimeoutException error = (await act.Should().ThrowAsync<IpcTimeoutException>()).Which;
        error.Channel.Should().Be("files.WaitAsync");
        error.Timeout.Should().Be(TimeSpan.FromMilliseconds(150));
        (await link.Implementation.WaitCancelled.Task.WithTimeout("the implementation's token")).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Contract_MainCallsRenderer_IsBoundedByMainInvokeTimeout(TransportKind transport)
    {
        // Arrange
        var options = new IpcBridgeOptions { MainInvokeTimeout = TimeSpan.FromMilliseconds(150) };
        await using ContractLink link = await ContractLink.ConnectAsync(transport, ContractDirection.MainCallsRenderer, options);

        // Act
        Func<Task> act = () => link.Client.WaitAsync(CancellationToken.None).WithTimeout();

        // Assert
        IpcTimeoutException error = (await act.Should().ThrowAsync<IpcTimeoutException>()).Which;
        error.Channel.Should().Be("files.WaitAsync");
        error.Timeout.Should().Be(TimeSpan.FromMilliseconds(150));
        (await link.Implementation.WaitCancelled.Task.WithTimeout("the implementation's token")).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Contract_MainCallsRenderer_ChannelTimeoutFromOptionsOverridesMainInvokeTimeout(TransportKind transport)
    {
        // Arrange: a default no test would reach, and a short limit on one method's channel only.
        var options = new IpcBridgeOptions { MainInvokeTimeout = TimeSpan.FromMinutes(5) };
        options.ChannelTimeouts["files.WaitAsync"] = TimeSpan.FromMilliseconds(120);
        await using ContractLink link = await ContractLink.ConnectAsync(transport, ContractDirection.MainCallsRenderer, options);

        // Act
        Func<Task> act = () => link.Client.WaitAsync(CancellationToken.None).WithTimeout();

        // Assert
        IpcTimeoutException error = (await act.Should().ThrowAsync<IpcTimeoutException>()).Which;
        error.Channel.Should().Be("files.WaitAsync");
        error.Timeout.Should().Be(TimeSpan.FromMilliseconds(120));
        (await link.Implementation.WaitCancelled.Task.WithTimeout("the implementation's token")).Should().BeTrue();
        (await link.Client.AddAsync(2, 2).WithTimeout()).Should().Be(4, "the other methods keep the default");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task HandleContract_ImplementationFactory_GetsEachCallsEvent(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.HandleContract<IWho>(e => new Who(e.Sender.Id));
        TestRenderer first = await bridge.AddRendererAsync(ChannelAllowlist.DenyAll.AllowContract<IWho>());
        TestRenderer second = await bridge.AddRendererAsync(ChannelAllowlist.DenyAll.AllowContract<IWho>());

        // Act
        int firstId = await first.Ipc.GetContract<IWho>().CallerIdAsync().WithTimeout();
        int secondId = await second.Ipc.GetContract<IWho>().CallerIdAsync().WithTimeout();

        // Assert
        firstId.Should().Be(first.WebContents.Id);
        secondId.Should().Be(second.WebContents.Id);
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task HandleContract_InheritedInterface_ServesEveryMethodUnderTheDerivedContractsName(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.HandleContract<IDerived>(new Files());
        TestRenderer renderer = await bridge.AddRendererAsync(ChannelAllowlist.DenyAll.AllowContract<IDerived>());
        IDerived client = renderer.Ipc.GetContract<IDerived>();

        // Act
        string pong = await client.PingAsync().WithTimeout();
        int twice = await client.TwiceAsync(21).WithTimeout();

        // Assert
        pong.Should().Be("pong");
        twice.Should().Be(42);
        bridge.IpcMain.HasHandler("derived.PingAsync").Should().BeTrue();
        bridge.IpcMain.HasHandler("derived.TwiceAsync").Should().BeTrue();
        bridge.IpcMain.HasHandler("IPlain.PingAsync").Should().BeFalse();
    }

    [Fact]
    public async Task HandleContract_ChannelNames_FollowContractAndMethodNamesOrAttributes()
    {
        // Arrange
        await using var bridge = Bridge.Create(TransportKind.InProcess);

        // Act
        bridge.IpcMain.HandleContract<IFiles>(new Files());
        bridge.IpcMain.HandleContract<IPlain>(new Files());

        // Assert
        bridge.IpcMain.HasHandler("files.ReadAsync").Should().BeTrue();
        bridge.IpcMain.HasHandler("files.sum").Should().BeTrue("[IpcMethod] renames the method on the wire");
        bridge.IpcMain.HasHandler("files.AddAsync").Should().BeFalse();
        bridge.IpcMain.HasHandler("files.CountAsync").Should().BeTrue();
        bridge.IpcMain.HasHandler("IPlain.PingAsync").Should().BeTrue("without [IpcContract] the contract is named after the interface");
    }

    [Fact]
    public async Task HandleContract_ChannelAlreadyHandled_ThrowsNamingItAndRegistersNothing()
    {
        // Arrange
        await using var bridge = Bridge.Create(TransportKind.InProcess);
        bridge.IpcMain.Handle("files.sum", (e, a) => 0);

        // Act
        Action act = () => bridge.IpcMain.HandleContract<IFiles>(new Files());

        // Assert
        act.Should().Throw<InvalidOperationException>().WithMessage("*'files.sum'*IFiles.AddAsync*");
        bridge.IpcMain.HasHandler("files.ReadAsync").Should().BeFalse();
        bridge.IpcMain.HasHandler("files.CountAsync").Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task RemoveContract_RemovesEveryMethodsHandler(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        bridge.IpcMain.HandleContract<IFiles>(new Files());
        TestRenderer renderer = await bridge.AddRendererAsync(ChannelAllowlist.DenyAll.AllowContract<IFiles>());
        IFiles client = renderer.Ipc.GetContract<IFiles>();
        (await client.AddAsync(1, 2).WithTimeout()).Should().Be(3);

        // Act
        bridge.IpcMain.RemoveContract<IFiles>();

        // Assert
        Func<Task> call = () => client.AddAsync(1, 2).WithTimeout();
        (await call.Should().ThrowAsync<IpcInvocationException>()).Which.Message.Should().Contain("No handler registered for 'files.sum'");
        bridge.IpcMain.HasHandler("files.ReadAsync").Should().BeFalse();
        bridge.IpcMain.HasHandler("files.CountAsync").Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task RendererHandleContract_AllowlistWithoutHandle_ThrowsAccessDeniedAndRegistersNothing(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        Exception? thrown = null;

        // Act
        TestRenderer renderer = await bridge.AddRendererAsync(
            ChannelAllowlist.DenyAll.AllowContract<IFiles>().AllowHandle("files.ReadAsync"),
            (ipc, _) =>
            {
                try
                {
                    ipc.HandleContract<IFiles>(new Files());
                }
                catch (Exception ex)
                {
                    thrown = ex;
                }
            });

        // Assert
        thrown.Should().BeOfType<IpcAccessDeniedException>().Which.Operation.Should().Be(IpcOperation.Handle);
        Func<Task> call = () => renderer.WebContents.InvokeAsync<string>("files.ReadAsync", "x").WithTimeout();
        (await call.Should().ThrowAsync<IpcInvocationException>()).Which.Message.Should().Contain("No handler registered");
    }

    private sealed class Who : IWho
    {
        private readonly int id;

        public Who(int id) => this.id = id;

        public Task<int> CallerIdAsync() => Task.FromResult(this.id);
    }
}
