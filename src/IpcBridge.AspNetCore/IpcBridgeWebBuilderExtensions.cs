using System;
using IpcBridge;
using IpcBridge.AspNetCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers what web renderers need beside <c>AddIpcBridge()</c>.</summary>
public static class IpcBridgeWebBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="IpcBridgePageTokens"/>, the one-time tokens main gives the pages it serves, so that
    /// <c>MapIpcBridge</c> can accept web pages as renderers. Uses <c>TryAdd</c>.
    /// </summary>
    /// <param name="builder">The builder <c>AddIpcBridge()</c> returned.</param>
    /// <param name="configure">Configures the tokens (their lifetime), or <see langword="null"/>.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static IIpcBridgeBuilder AddWebRenderers(this IIpcBridgeBuilder builder, Action<IpcBridgePageTokenOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        OptionsBuilder<IpcBridgePageTokenOptions> options = builder.Services.AddOptions<IpcBridgePageTokenOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => o.Lifetime > TimeSpan.Zero, "IpcBridgePageTokenOptions.Lifetime must be positive.");
        builder.Services.TryAddSingleton<IpcBridgePageTokens>();
        return builder;
    }
}
