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

        // Capabilities: always registered (none configured means deny-all unless code grants), validated at startup.
        services.AddOptions<IpcCapabilityOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IpcCapabilityOptions>, CapabilityOptionsValidator>());

        services.TryAddSingleton(sp =>
        {
            var main = new MainProcess(sp.GetRequiredService<IOptions<IpcBridgeOptions>>().Value, sp.GetService<ILoggerFactory>());
            UseCapabilities(main, sp.GetRequiredService<IOptionsMonitor<IpcCapabilityOptions>>());
            foreach (IIpcMainHandler handler in sp.GetServices<IIpcMainHandler>())
            {
                handler.Register(main.IpcMain);
            }

            return main;
        });
        services.TryAddSingleton(sp => sp.GetRequiredService<MainProcess>().IpcMain);
        return new IpcBridgeBuilder(services);
    }

    /// <summary>
    /// Grants main's endpoints from the configured capabilities, and from the new ones after each configuration change.
    /// A change that fails validation throws from the options monitor before it reaches main, so main keeps the last
    /// valid policy; live endpoints never change either way.
    /// </summary>
    private static void UseCapabilities(MainProcess main, IOptionsMonitor<IpcCapabilityOptions> monitor)
    {
        // Listening first, so that a change between reading and listening is not missed.
        monitor.OnChange(options => main.Capabilities = PolicyOf(options));
        main.Capabilities = PolicyOf(monitor.CurrentValue);

        static IpcCapabilityPolicy PolicyOf(IpcCapabilityOptions options) => options.Compiled ?? IpcCapabilityPolicy.Create(options);
    }
}
