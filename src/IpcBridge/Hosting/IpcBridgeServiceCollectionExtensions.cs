using System;
using IpcBridge;
using IpcBridge.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers IpcBridge with Microsoft.Extensions.DependencyInjection.</summary>
public static class IpcBridgeServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="MainProcess"/> and <see cref="IpcMain"/> as singletons, configured from
    /// <see cref="IpcBridgeOptions"/>, with every <see cref="IIpcMainHandler"/> registered on first resolution.
    /// Uses <c>TryAdd</c>, so earlier registrations win.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options, or <see langword="null"/>.</param>
    /// <returns>A builder for handler groups.</returns>
    public static IIpcBridgeBuilder AddIpcBridge(this IServiceCollection services, Action<IpcBridgeOptions>? configure = null)
    {
        if (services is null)
        {
            throw new ArgumentNullException(nameof(services));
        }

        OptionsBuilder<IpcBridgeOptions> options = services.AddOptions<IpcBridgeOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(
            o =>
            {
                try
                {
                    o.Validate();
                    return true;
                }
                catch (ArgumentOutOfRangeException)
                {
                    return false;
                }
            },
            "IpcBridgeOptions are out of range: SendSyncTimeout must be positive and finite, MaxPendingCalls at least 1.");

        services.TryAddSingleton(sp =>
        {
            var main = new MainProcess(sp.GetRequiredService<IOptions<IpcBridgeOptions>>().Value, sp.GetService<ILoggerFactory>());
            foreach (IIpcMainHandler handler in sp.GetServices<IIpcMainHandler>())
            {
                handler.Register(main.IpcMain);
            }

            return main;
        });
        services.TryAddSingleton(sp => sp.GetRequiredService<MainProcess>().IpcMain);
        return new IpcBridgeBuilder(services);
    }
}
