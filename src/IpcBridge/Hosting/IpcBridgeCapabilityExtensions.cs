using System;
using IpcBridge;
using IpcBridge.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds capabilities (the reviewed policy of what each endpoint may do) to <c>services.AddIpcBridge()</c>.</summary>
public static class IpcBridgeCapabilityExtensions
{
    /// <summary>
    /// Reads capabilities from <paramref name="configuration"/> (typically <c>configuration.GetSection("IpcBridge")</c>):
    /// its <c>Capabilities</c> and <c>EndpointNames</c> keys, described at <see cref="IpcCapabilityOptions"/>. Any
    /// configuration provider works (appsettings.json, environment variables, command line). Mistakes fail validation
    /// at startup (<c>ValidateOnStart</c>) or, without a host, when <see cref="MainProcess"/> is first resolved, with an
    /// <see cref="OptionsValidationException"/> naming each key. When the configuration reloads, endpoints created from
    /// then on get the new policy; live endpoints keep what they were granted.
    /// </summary>
    /// <param name="builder">The builder from <c>AddIpcBridge</c>.</param>
    /// <param name="configuration">The section holding <c>Capabilities</c> (and optionally <c>EndpointNames</c>).</param>
    /// <returns>The builder.</returns>
    public static IIpcBridgeBuilder AddCapabilities(this IIpcBridgeBuilder builder, IConfiguration configuration)
    {
        if (builder is null)
        {
            throw new ArgumentNullException(nameof(builder));
        }

        if (configuration is null)
        {
            throw new ArgumentNullException(nameof(configuration));
        }

        builder.Services.Configure<IpcCapabilityOptions>(options => CapabilityConfigurationReader.Read(configuration, options));
        builder.Services.AddSingleton<IOptionsChangeTokenSource<IpcCapabilityOptions>>(new ConfigurationChangeSource(configuration));
        return builder;
    }

    /// <summary>Adds capabilities in code, validated as those from configuration are (see <see cref="AddCapabilities(IIpcBridgeBuilder, IConfiguration)"/>).</summary>
    /// <param name="builder">The builder from <c>AddIpcBridge</c>.</param>
    /// <param name="configure">Adds capabilities or declared endpoint names.</param>
    /// <returns>The builder.</returns>
    public static IIpcBridgeBuilder AddCapabilities(this IIpcBridgeBuilder builder, Action<IpcCapabilityOptions> configure)
    {
        if (builder is null)
        {
            throw new ArgumentNullException(nameof(builder));
        }

        if (configure is null)
        {
            throw new ArgumentNullException(nameof(configure));
        }

        builder.Services.Configure(configure);
        return builder;
    }
}
