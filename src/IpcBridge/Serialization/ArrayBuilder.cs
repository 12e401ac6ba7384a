using System;
using System.Buffers;

namespace IpcBridge.Serialization;

/// <summary>
/// A growable <see cref="IBufferWriter{T}"/> that is reused per thread, so serializing a message allocates
/// only the final payload array.
/// </summary>
/// <remarks>
/// Small buffers stay with their thread. A large one comes from <see cref="ArrayPool{T}.Shared"/> and goes back once its
/// message is built, so a thread does not pin megabytes. A message that outgrows the small buffer grows straight to
/// the last message's size, because a thread that builds one large message usually builds more, and growing to a
/// megabyte by doubling copies it twice over (and, without the pool, left a trail of large-object-heap garbage behind
/// every message).
/// </remarks>
internal sealed class ArrayBuilder : IBufferWriter<byte>
{
    private const int SmallSize = 256;

    /// <summary>The largest buffer a thread keeps between messages.</summary>
    private const int KeptSize = 64 * 1024;

    private byte[] buffer = new byte[SmallSize];
    private bool pooled;
    private int written;
    private int lastLength;

    public int WrittenCount => this.written;

    public ReadOnlySpan<byte> WrittenSpan => this.buffer.AsSpan(0, this.written);

    public void Reset() => this.written = 0;

    public byte[] ToArray() => this.WrittenSpan.ToArray();

    public void Advance(int count) => this.written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        this.Ensure(sizeHint);
        return this.buffer.AsMemory(this.written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        this.Ensure(sizeHint);
        return this.buffer.AsSpan(this.written);
    }

    /// <summary>Ends a message: remembers its size, and gives a large buffer back to the pool.</summary>
    public void TrimIfLarge()
    {
        this.lastLength = this.written;
        if (this.buffer.Length > KeptSize)
        {
            byte[] large = this.buffer;
            this.buffer = new byte[SmallSize];
            this.written = 0;
            if (this.pooled)
            {
                this.pooled = false;
                ArrayPool<byte>.Shared.Return(large);
            }
        }
    }

    private void Ensure(int sizeHint)
    {
        int needed = Math.Max(sizeHint, 1);
        if (this.buffer.Length - this.written < needed)
        {
            // Straight to the last message's size when this one outgrows the buffer too: likely it is as large.
            this.Replace(Math.Max(Math.Max(this.buffer.Length * 2, this.written + needed), this.lastLength));
        }
    }

    private void Replace(int size)
    {
        byte[] larger = ArrayPool<byte>.Shared.Rent(size);
        this.buffer.AsSpan(0, this.written).CopyTo(larger);
        if (this.pooled)
        {
            ArrayPool<byte>.Shared.Return(this.buffer);
        }

        this.buffer = larger;
        this.pooled = true;
    }
}
