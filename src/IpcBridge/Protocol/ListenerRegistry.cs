using System;
using System.Collections.Generic;
using System.Threading;
using IpcBridge.Diagnostics;
using Microsoft.Extensions.Logging;

namespace IpcBridge.Protocol;

/// <summary>
/// Node's EventEmitter semantics for one side's channel listeners: registration order, <c>once</c> fires once,
/// removal takes the most recently added match, and listeners added or removed during an emit do not change it.
/// </summary>
/// <typeparam name="TEvent">The event type listeners receive.</typeparam>
internal sealed class ListenerRegistry<TEvent>
    where TEvent : class
{
    private readonly object gate = new();
    private readonly Dictionary<string, Registration[]> byChannel = new(StringComparer.Ordinal);

    // Set once by Close, under the gate: an endpoint's registry that is gone accepts no listener any more.
    private bool closed;

    /// <summary>Adds a listener that receives the arguments as <see cref="IpcArgs"/>.</summary>
    public void Add(string channel, Delegate original, Action<TEvent, IpcArgs> invoke, bool once)
        => this.Add(channel, original, new Registration(original, invoke, null, once));

    /// <summary>Adds a typed listener, which reads its arguments straight from the payload.</summary>
    public void AddTyped(string channel, Delegate original, Action<TEvent, ReceivedArgs> invoke, bool once)
        => this.Add(channel, original, new Registration(original, null, invoke, once));

    private void Add(string channel, Delegate original, Registration registration)
    {
        if (channel is null)
        {
            throw new ArgumentNullException(nameof(channel));
        }

        if (original is null)
        {
            throw new ArgumentNullException(nameof(original));
        }

        lock (this.gate)
        {
            if (this.closed)
            {
                return;
            }

            // Copy-on-write: an emit in progress keeps iterating the array it took.
            this.byChannel.TryGetValue(channel, out Registration[]? existing);
            existing ??= Array.Empty<Registration>();
            var next = new Registration[existing.Length + 1];
            existing.CopyTo(next, 0);
            next[existing.Length] = registration;
            this.byChannel[channel] = next;
        }
    }

    public bool Remove(string channel, Delegate original)
    {
        lock (this.gate)
        {
            if (!this.byChannel.TryGetValue(channel, out Registration[]? existing))
            {
                return false;
            }

            for (int i = existing.Length - 1; i >= 0; i--)
            {
                if (existing[i].Original.Equals(original))
                {
                    this.RemoveAt(channel, existing, i);
                    return true;
                }
            }

            return false;
        }
    }

    public void RemoveAll(string? channel)
    {
        lock (this.gate)
        {
            if (channel is null)
            {
                this.byChannel.Clear();
            }
            else
            {
                this.byChannel.Remove(channel);
            }
        }
    }

    /// <summary>Removes every listener and drops any added later: the registry's endpoint is gone.</summary>
    public void Close()
    {
        lock (this.gate)
        {
            this.closed = true;
            this.byChannel.Clear();
        }
    }

    public int Count(string channel)
    {
        lock (this.gate)
        {
            return this.byChannel.TryGetValue(channel, out Registration[]? existing) ? existing.Length : 0;
        }
    }

    public string[] Channels()
    {
        lock (this.gate)
        {
            var names = new string[this.byChannel.Count];
            this.byChannel.Keys.CopyTo(names, 0);
            return names;
        }
    }

    /// <summary>Runs every listener of <paramref name="channel"/> in order; one that throws is logged and the rest still run.</summary>
    /// <returns>The number of listeners that ran.</returns>
    public int Emit(string channel, TEvent e, ReceivedArgs received, ILogger logger) => this.Emit(channel, e, received, logger, out _);

    /// <summary>Like <see cref="Emit(string, TEvent, ReceivedArgs, ILogger)"/>, also giving the first exception a listener threw.</summary>
    public int Emit(string channel, TEvent e, ReceivedArgs received, ILogger logger, out Exception? firstFailure)
    {
        // Made for the first untyped listener and shared by the others, as the arguments of one message.
        IpcArgs? args = null;
        firstFailure = null;
        Registration[]? snapshot;
        lock (this.gate)
        {
            this.byChannel.TryGetValue(channel, out snapshot);
        }

        if (snapshot is null)
        {
            return 0;
        }

        int ran = 0;
        foreach (Registration registration in snapshot)
        {
            if (registration.Once)
            {
                if (Interlocked.Exchange(ref registration.Fired, 1) != 0)
                {
                    continue;
                }

                this.Remove(channel, registration);
            }

            ran++;
            Exception? failure = Run(registration, channel, e, received, ref args, logger);
            firstFailure ??= failure;
        }

        return ran;
    }

    /// <summary>Runs one listener; what it throws is logged and returned.</summary>
    private static Exception? Run(Registration registration, string channel, TEvent e, ReceivedArgs received, ref IpcArgs? args, ILogger logger)
    {
        try
        {
            if (registration.Typed is not null)
            {
                registration.Typed(e, received);
            }
            else
            {
                registration.Untyped!(e, args ??= received.ToArgs());
            }

            return null;
        }
        catch (ListenerArgumentException ex)
        {
            Log.ListenerArgumentsUnreadable(logger, channel, ex.InnerException!);
            return ex.InnerException;
        }
        catch (Exception ex)
        {
            Log.ListenerFailed(logger, channel, ex);
            return ex;
        }
    }

    private void Remove(string channel, Registration registration)
    {
        lock (this.gate)
        {
            if (this.byChannel.TryGetValue(channel, out Registration[]? existing))
            {
                int i = Array.IndexOf(existing, registration);
                if (i >= 0)
                {
                    this.RemoveAt(channel, existing, i);
                }
            }
        }
    }

    private void RemoveAt(string channel, Registration[] existing, int index)
    {
        if (existing.Length == 1)
        {
            this.byChannel.Remove(channel);
            return;
        }

        var next = new Registration[existing.Length - 1];
        Array.Copy(existing, 0, next, 0, index);
        Array.Copy(existing, index + 1, next, index, existing.Length - index - 1);
        this.byChannel[channel] = next;
    }

    private sealed class Registration
    {
        public int Fired;

        public Registration(Delegate original, Action<TEvent, IpcArgs>? untyped, Action<TEvent, ReceivedArgs>? typed, bool once)
        {
            this.Original = original;
            this.Untyped = untyped;
            this.Typed = typed;
            this.Once = once;
        }

        public Delegate Original { get; }

        public Action<TEvent, IpcArgs>? Untyped { get; }

        public Action<TEvent, ReceivedArgs>? Typed { get; }

        public bool Once { get; }
    }
}
