using System;
using System.Collections.Generic;
using System.Text.Json;

namespace IpcBridge;

/// <summary>
/// Settings shared by every endpoint of a <see cref="MainProcess"/>. A <see cref="MainProcess"/> (and an endpoint's
/// <see cref="RendererProcess"/>) validates the settings and takes a copy when it is made: later changes to this object
/// do not reach it, so a limit cannot be changed under calls already running or turned invalid.
/// </summary>
public sealed class IpcBridgeOptions
{
    /// <summary>
    /// Gets or sets how long <see cref="IpcRenderer.SendSync(string, object?[])"/> waits for a listener to set
    /// <see cref="IpcMainEvent.ReturnValue"/> before throwing <see cref="IpcTimeoutException"/>. Default 30 seconds.
    /// Unlike Electron, a sync send can never hang forever.
    /// </summary>
    public TimeSpan SendSyncTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets the serializer settings for payloads. Default: <see cref="JsonSerializerDefaults.Web"/> with
    /// reflection metadata. Set a <see cref="System.Text.Json.Serialization.JsonSerializerContext"/> as the
    /// <see cref="JsonSerializerOptions.TypeInfoResolver"/> to use source-generated metadata.
    /// </summary>
    public JsonSerializerOptions? SerializerOptions { get; set; }

    /// <summary>Gets or sets how many calls (invoke, sync send) one link may have waiting for an answer. Default 10,000.</summary>
    public int MaxPendingCalls { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets the bound on each endpoint's inbound queue (messages and calls received and not yet dispatched), or
    /// <see langword="null"/> for unbounded (the default, as in Electron). With <see cref="QueueFullMode.Wait"/> the
    /// sender is held back. Under the other modes the sender (perhaps another process) has already moved on, so a one-way
    /// message that does not fit is dropped and logged (the newest under <see cref="QueueFullMode.DropNewest"/> and
    /// <see cref="QueueFullMode.Fail"/>, the oldest queued one under <see cref="QueueFullMode.DropOldest"/>), and a call
    /// that does not fit is never silently lost: its caller gets <see cref="IpcQueueFullException"/>. Beware of cycles
    /// with <see cref="QueueFullMode.Wait"/>: two endpoints that each wait for room in the other's full queue wait forever.
    /// A message that carries ports is let past a full <see cref="QueueFullMode.Wait"/> bound instead of waiting: it is
    /// written under the lock that moves its ports, which the receiver's own dispatch may need.
    /// </summary>
    public QueueLimit? InboundQueueLimit { get; set; }

    /// <summary>Gets or sets the largest frame a stream link accepts; a peer that sends a larger one is disconnected. Default 64 MiB.</summary>
    public int MaxFrameSize { get; set; } = 64 * 1024 * 1024;

    /// <summary>Gets or sets how long a stream link's handshake may take. Default 10 seconds.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets how long an invoke from a renderer or work endpoint to main waits for its answer before failing with
    /// <see cref="IpcTimeoutException"/>, or <see langword="null"/> (the default) to wait as long as the link lives, as
    /// Electron does. Main's handler sees its cancellation token cancelled when the time is up.
    /// </summary>
    public TimeSpan? InvokeTimeout { get; set; }

    /// <summary>
    /// Gets or sets how long <see cref="WebContents.InvokeAsync{TResult}(string, object?[])"/> waits for a renderer's
    /// answer. Always bounded, because a renderer may hang or be hostile. Default 30 seconds.
    /// </summary>
    public TimeSpan MainInvokeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets per-channel time limits for invokes in either direction, by exact channel name; they take precedence over
    /// <see cref="InvokeTimeout"/> and <see cref="MainInvokeTimeout"/>, and a time limit passed to a call takes precedence over them.
    /// </summary>
    public IDictionary<string, TimeSpan> ChannelTimeouts { get; } = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets how many items of a stream (<see cref="IpcRenderer.InvokeStream{TItem}(string, object?[])"/>) may be
    /// in flight ahead of the caller's reading: the producer waits when the caller is this far behind. Default 16.
    /// </summary>
    public int StreamWindow { get; set; } = 16;

    /// <summary>
    /// Gets or sets the opt-in IPC trace: called for every frame a link sends or receives (direction, endpoint, frame
    /// kind, channel, size, and for answers the latency), as Electron's devtools extensions show IPC. Runs on the
    /// sending thread or the link's reading thread, so it must be quick and must not block; an exception it throws is
    /// logged and ignored. Default <see langword="null"/>: off, at no cost.
    /// </summary>
    public Action<IpcFrameTrace>? FrameTrace { get; set; }

    /// <summary>Throws when a setting is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public void Validate()
    {
        if (this.SendSyncTimeout <= TimeSpan.Zero || this.SendSyncTimeout.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(this.SendSyncTimeout), this.SendSyncTimeout, "SendSyncTimeout must be positive and finite.");
        }

        if (this.MaxFrameSize < 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(this.MaxFrameSize), this.MaxFrameSize, "MaxFrameSize must be at least 1024 bytes.");
        }

        if (this.HandshakeTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(this.HandshakeTimeout), this.HandshakeTimeout, "HandshakeTimeout must be positive.");
        }

        if (this.InvokeTimeout is { } invoke && !IsValidTimeout(invoke))
        {
            throw new ArgumentOutOfRangeException(nameof(this.InvokeTimeout), invoke, "InvokeTimeout must be positive and finite, or null.");
        }

        if (!IsValidTimeout(this.MainInvokeTimeout))
        {
            throw new ArgumentOutOfRangeException(nameof(this.MainInvokeTimeout), this.MainInvokeTimeout, "MainInvokeTimeout must be positive and finite.");
        }

        foreach (KeyValuePair<string, TimeSpan> pair in this.ChannelTimeouts)
        {
            if (!IsValidTimeout(pair.Value))
            {
                throw new ArgumentOutOfRangeException(nameof(this.ChannelTimeouts), pair.Value, $"The time limit of channel '{pair.Key}' must be positive and finite.");
            }
        }

        if (this.StreamWindow < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(this.StreamWindow), this.StreamWindow, "StreamWindow must be at least 1.");
        }

        if (this.MaxPendingCalls < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(this.MaxPendingCalls), this.MaxPendingCalls, "MaxPendingCalls must be at least 1.");
        }
    }

    /// <summary>Validates the settings and copies them, for an endpoint to keep.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    internal IpcBridgeOptions Snapshot()
    {
        this.Validate();
        var copy = new IpcBridgeOptions
        {
            SendSyncTimeout = this.SendSyncTimeout,
            SerializerOptions = this.SerializerOptions,
            MaxPendingCalls = this.MaxPendingCalls,
            InboundQueueLimit = this.InboundQueueLimit,
            MaxFrameSize = this.MaxFrameSize,
            HandshakeTimeout = this.HandshakeTimeout,
            InvokeTimeout = this.InvokeTimeout,
            MainInvokeTimeout = this.MainInvokeTimeout,
            StreamWindow = this.StreamWindow,
            FrameTrace = this.FrameTrace,
        };
        foreach (KeyValuePair<string, TimeSpan> pair in this.ChannelTimeouts)
        {
            copy.ChannelTimeouts[pair.Key] = pair.Value;
        }

        return copy;
    }

    /// <summary>Resolves the time limit of an invoke: the call's own, else the channel's, else <paramref name="fallback"/>.</summary>
    internal TimeSpan? TimeoutFor(string channel, TimeSpan? timeout, TimeSpan? fallback)
    {
        if (timeout is { } given)
        {
            if (given != System.Threading.Timeout.InfiniteTimeSpan && !IsValidTimeout(given))
            {
                throw new ArgumentOutOfRangeException(nameof(timeout), given, "A time limit must be positive and finite, or Timeout.InfiniteTimeSpan.");
            }

            return given;
        }

        return this.ChannelTimeouts.TryGetValue(channel, out TimeSpan configured) ? configured : fallback;
    }

    private static bool IsValidTimeout(TimeSpan value) => value > TimeSpan.Zero && value.TotalMilliseconds <= int.MaxValue - 1;
}
