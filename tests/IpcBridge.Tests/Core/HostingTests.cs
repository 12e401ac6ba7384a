using System;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IpcBridge.Tests.Core;

public class HostingTests
{
    [Fact]
    public async Task AddIpcBridge_ResolvingMainProcess_RegistersHandlerGroupsBuiltByTheContainer()
    {
        // Arrange
        var services = new ServiceCollection();
        services.AddSingleton(new Clock(42));
        services.AddIpcBridge(o => o.SendSyncTimeout = TimeSpan.FromSeconds(7))
            .AddHandler<TimeHandlers>()
            .AddHandler<TimeHandlers>();
        await using ServiceProvider provider = services.BuildServiceProvider();

        // Act
        MainProcess main = provider.GetRequiredService<MainProcess>();
        IpcRenderer? ipc = null;
        await using RendererEndpoint endpoint = await main.CreateWindowAsync(new RendererOptions
        {
            Allowlist = ChannelAllowlist.AllowAll(),
            Preload = (i, _) => ipc = i,
        });
        int now = await ipc!.InvokeAsync<int>("time:now").WithTimeout();

        // Assert
        main.IpcMain.HasHandler("time:now").Should().BeTrue();
        now.Should().Be(42);
        provider.GetRequiredService<IpcMain>().Should().BeSameAs(main.IpcMain);
        provider.GetRequiredService<MainProcess>().Should().BeSameAs(main);
        main.Options.SendSyncTimeout.Should().Be(TimeSpan.FromSeconds(7));
    }

    [Fact]
    public async Task AddIpcBridge_InvalidOptions_FailValidationWhenResolved()
    {
        // Arrange
        var services = new ServiceCollection();
        services.AddIpcBridge(o => o.SendSyncTimeout = TimeSpan.Zero);
        await using ServiceProvider provider = services.BuildServiceProvider();

        // Act
        Func<MainProcess> resolveMain = () => provider.GetRequiredService<MainProcess>();
        Func<IpcMain> resolveIpcMain = () => provider.GetRequiredService<IpcMain>();

        // Assert
        resolveMain.Should().Throw<OptionsValidationException>();
        resolveIpcMain.Should().Throw<OptionsValidationException>();
    }

    [Fact]
    public async Task AddIpcBridge_MainProcessRegisteredEarlier_Wins()
    {
        // Arrange
        var services = new ServiceCollection();
        await using var mine = new MainProcess();
        services.AddSingleton(mine);
        services.AddIpcBridge();
        await using ServiceProvider provider = services.BuildServiceProvider();

        // Act
        IpcMain ipcMain = provider.GetRequiredService<IpcMain>();

        // Assert
        provider.GetRequiredService<MainProcess>().Should().BeSameAs(mine);
        ipcMain.Should().BeSameAs(mine.IpcMain);
    }

    [Fact]
    public async Task AddIpcBridge_ContainerHasLoggerFactory_TheBridgeLogsThroughIt()
    {
        // Arrange
        var log = new CapturingLoggerProvider();
        using ILoggerFactory loggerFactory = log.CreateFactory();
        var services = new ServiceCollection();
        services.AddSingleton(loggerFactory);
        services.AddIpcBridge();
        await using ServiceProvider provider = services.BuildServiceProvider();
        MainProcess main = provider.GetRequiredService<MainProcess>();
        main.IpcMain.On("boom", (e, a) => throw new InvalidOperationException("listener failed"));
        main.IpcMain.Handle("barrier", (e, a) => 0);
        IpcRenderer? ipc = null;
        await using RendererEndpoint endpoint = await main.CreateWindowAsync(new RendererOptions
        {
            Allowlist = ChannelAllowlist.AllowAll(),
            Preload = (i, _) => ipc = i,
        });

        // Act: the failure is logged on main's dispatch loop, before the later call is answered.
        ipc!.Send("boom");
        await ipc.InvokeAsync<int>("barrier").WithTimeout();

        // Assert
        log.Entries.Should().Contain(e => e.Category == "IpcBridge.IpcMain" && e.EventId.Id == 1 && e.Level == LogLevel.Error
            && e.Exception is InvalidOperationException && e.Message.Contains("'boom'"));
    }

    public sealed class Clock
    {
        public Clock(int now) => this.Now = now;

        public int Now { get; }
    }

    public sealed class TimeHandlers : IIpcMainHandler
    {
        private readonly Clock clock;

        public TimeHandlers(Clock clock) => this.clock = clock;

        public void Register(IpcMain ipcMain) => ipcMain.Handle("time:now", (e, a) => this.clock.Now);
    }
}
