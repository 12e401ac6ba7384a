using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IpcBridge.Hosting;

/// <summary>The default <see cref="IIpcBridgeBuilder"/>.</summary>
internal sealed class IpcBridgeBuilder : IIpcBridgeBuilder
{
    public IpcBridgeBuilder(IServiceCollection services) => this.Services = services;

    public IServiceCollection Services { get; }

    public IIpcBridgeBuilder AddHandler<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>()
        where THandler : class, IIpcMainHandler
    {
        this.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IIpcMainHandler, THandler>());
        return this;
    }
}
