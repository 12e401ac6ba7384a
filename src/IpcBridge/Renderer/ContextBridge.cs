using System;
using System.Diagnostics.CodeAnalysis;
using IpcBridge.Renderer;
using IpcBridge.Serialization;

namespace IpcBridge;

/// <summary>
/// Preload's way to give page code an API (Electron's <c>contextBridge</c>). Page code receives a proxy, never the
/// object itself: every argument, return value and callback argument crossing the bridge is copied, and IPC objects
/// (<see cref="IpcRenderer"/>, events, ports) cannot cross it at all.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class ContextBridge : IIpcCapability
{
    private readonly MainWorld world;
    private readonly PayloadSerializer serializer;

    internal ContextBridge(MainWorld world, PayloadSerializer serializer)
    {
        this.world = world;
        this.serializer = serializer;
    }

    /// <summary>Exposes <paramref name="api"/> to page code under <paramref name="key"/>, as the interface <typeparamref name="TApi"/>.</summary>
    /// <typeparam name="TApi">The interface page code sees; only its members are reachable.</typeparam>
    /// <param name="key">The key page code asks <see cref="MainWorld.Get{TApi}(string)"/> for.</param>
    /// <param name="api">The implementation, which stays on preload's side.</param>
    /// <exception cref="ArgumentException"><typeparamref name="TApi"/> is not an interface.</exception>
    /// <exception cref="InvalidOperationException">Something is already exposed under <paramref name="key"/>.</exception>
    [RequiresUnreferencedCode(ReflectionMessages.ContextBridgeUnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.ContextBridgeDynamicCode)]
    public void ExposeInMainWorld<TApi>(string key, TApi api)
        where TApi : class
    {
        if (key is null)
        {
            throw new ArgumentNullException(nameof(key));
        }

        if (api is null)
        {
            throw new ArgumentNullException(nameof(api));
        }

        if (!typeof(TApi).IsInterface)
        {
            throw new ArgumentException($"'{typeof(TApi)}' is not an interface; expose an API as an interface so page code cannot reach the implementation.", nameof(TApi));
        }

        TApi proxy = BridgeProxy.Create(api, this.serializer);
        this.world.Add(key, typeof(TApi), proxy);
    }
}
