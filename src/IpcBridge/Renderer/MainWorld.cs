using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;

namespace IpcBridge;

/// <summary>
/// What page code of a renderer sees (Electron's <c>window</c> after <c>contextBridge.exposeInMainWorld</c>): the APIs
/// preload exposed, by key. Nothing here leads back to <see cref="IpcRenderer"/>.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class MainWorld
{
    private readonly ConcurrentDictionary<string, Exposed> apis = new(StringComparer.Ordinal);

    internal MainWorld()
    {
    }

    /// <summary>Gets the keys preload exposed.</summary>
    public IReadOnlyCollection<string> Keys => (IReadOnlyCollection<string>)this.apis.Keys;

    /// <summary>Gets the API exposed under <paramref name="key"/>.</summary>
    /// <typeparam name="TApi">The interface it was exposed as, or one of that interface's base interfaces.</typeparam>
    /// <param name="key">The key.</param>
    /// <returns>A proxy for the API.</returns>
    /// <exception cref="KeyNotFoundException">Nothing is exposed under <paramref name="key"/>.</exception>
    /// <exception cref="InvalidCastException">It was exposed as an interface that is not <typeparamref name="TApi"/>.</exception>
    public TApi Get<TApi>(string key)
        where TApi : class
    {
        if (!this.apis.TryGetValue(key ?? throw new ArgumentNullException(nameof(key)), out Exposed? exposed))
        {
            throw new KeyNotFoundException($"Nothing is exposed in the main world under '{key}'.");
        }

        if (!typeof(TApi).IsAssignableFrom(exposed.Interface))
        {
            throw new InvalidCastException($"'{key}' is exposed as '{exposed.Interface}', not '{typeof(TApi)}'.");
        }

        return (TApi)exposed.Proxy;
    }

    /// <summary>Tries to get the API exposed under <paramref name="key"/> as <typeparamref name="TApi"/>.</summary>
    /// <typeparam name="TApi">The interface.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="api">The proxy, when found.</param>
    /// <returns><see langword="true"/> when found with a compatible interface.</returns>
    public bool TryGet<TApi>(string key, [NotNullWhen(true)] out TApi? api)
        where TApi : class
    {
        if (key is not null && this.apis.TryGetValue(key, out Exposed? exposed) && typeof(TApi).IsAssignableFrom(exposed.Interface))
        {
            api = (TApi)exposed.Proxy;
            return true;
        }

        api = null;
        return false;
    }

    internal void Add(string key, Type iface, object proxy)
    {
        if (!this.apis.TryAdd(key, new Exposed(iface, proxy)))
        {
            throw new InvalidOperationException($"Cannot expose an API on top of the existing '{key}' in the main world.");
        }
    }

    private sealed class Exposed
    {
        public Exposed(Type iface, object proxy)
        {
            this.Interface = iface;
            this.Proxy = proxy;
        }

        public Type Interface { get; }

        public object Proxy { get; }
    }
}
