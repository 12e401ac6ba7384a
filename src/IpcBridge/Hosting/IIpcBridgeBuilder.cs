using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;

namespace IpcBridge;

/// <summary>Configures IpcBridge in a service collection; returned by <c>services.AddIpcBridge()</c>.</summary>
public interface IIpcBridgeBuilder
{
    /// <summary>Gets the service collection.</summary>
    IServiceCollection Services { get; }

    /// <summary>Registers a handler group, built by the container and registered when <see cref="MainProcess"/> is created.</summary>
    /// <typeparam name="THandler">The handler group.</typeparam>
    /// <returns>This builder.</returns>
#pragma warning disable CA1716 // 'AddHandler' is a VB keyword, but it is the name users of this builder look for.
    IIpcBridgeBuilder AddHandler<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>()
        where THandler : class, IIpcMainHandler;
#pragma warning restore CA1716
}
