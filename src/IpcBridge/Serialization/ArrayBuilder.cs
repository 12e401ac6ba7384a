using System;
using System.Buffers;

namespace IpcBridge.Serialization;

/// <summary>
/// A growable <see cref="IBufferWriter{T}"/> that is reused per thread, so serializing a message allocates
/// only the final payload array.
/// </summary>
internal sealed class ArrayBuilder : IBufferWriter<byte>
{
    private byte[] buffer = new byte[256];
    private int written;

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

    /// <summary>Drops a buffer that grew large for one big message, so a thread does not pin it forever.</summary>
    public void TrimIfLarge()
    {
        if (this.buffer.Length > 1024 * 1024)
        {
            this.buffer = new byte[256];
        }
    }

    private void Ensure(int sizeHint)
    {
        int needed = Math.Max(sizeHint, 1);
        if (this.buffer.Length - this.written < needed)
        {
            int size = Math.Max(this.buffer.Length * 2, this.written + needed);
            Array.Resize(ref this.buffer, size);
        }
    }
}
