using System;

namespace IpcBridge;

/// <summary>
/// Bounds a queue: at most <see cref="Capacity"/> messages posted and not yet handled by the receiver, and what to do
/// beyond that. Queues are unbounded unless given a limit, as in Electron.
/// </summary>
public sealed class QueueLimit
{
    /// <summary>Creates a limit.</summary>
    /// <param name="capacity">The most messages waiting at once; at least 1.</param>
    /// <param name="fullMode">What happens when full.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1, or the mode is unknown.</exception>
    public QueueLimit(int capacity, QueueFullMode fullMode = QueueFullMode.Wait)
    {
        if (capacity < 1 || capacity > MaxCapacity)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"Capacity must be from 1 to {MaxCapacity}.");
        }

        if (fullMode is < QueueFullMode.Wait or > QueueFullMode.Fail)
        {
            throw new ArgumentOutOfRangeException(nameof(fullMode), fullMode, "Unknown full mode.");
        }

        this.Capacity = capacity;
        this.FullMode = fullMode;
    }

    /// <summary>Gets the most messages waiting at once.</summary>
    public int Capacity { get; }

    /// <summary>Gets what happens when full.</summary>
    public QueueFullMode FullMode { get; }

    internal const int MaxCapacity = int.MaxValue >> 4;

    /// <summary>Packs the limit into one number for the wire (0 = unbounded).</summary>
    internal static long Encode(QueueLimit? limit) => limit is null ? 0 : ((long)limit.Capacity << 4) | (long)(limit.FullMode + 1);

    internal static QueueLimit? Decode(long code)
    {
        if (code <= 0)
        {
            return null;
        }

        int mode = (int)(code & 0xF) - 1;
        long capacity = code >> 4;
        return capacity is >= 1 and <= MaxCapacity && mode is >= 0 and <= 3 ? new QueueLimit((int)capacity, (QueueFullMode)mode) : null;
    }

    /// <inheritdoc />
    public override string ToString() => $"{this.Capacity} ({this.FullMode})";
}
