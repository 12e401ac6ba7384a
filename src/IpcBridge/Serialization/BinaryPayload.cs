using System;
using System.Buffers;
using System.Runtime.InteropServices;
using System.Threading;

namespace IpcBridge.Serialization;

/// <summary>
/// A payload with binary segments: the UTF-8 JSON, in which each binary value is <c>{"$bin":N}</c>, and the segments'
/// raw bytes. It is the <see cref="MemoryManager{T}"/> behind the payload's <see cref="ReadOnlyMemory{T}"/>, whose
/// span is the JSON, so every layer that moves payloads (connections, port routes, stream calls) carries the
/// segments along without knowing of them, and code that reads a payload as JSON (errors, handshakes) still can.
/// </summary>
/// <remarks>
/// Immutable once made, except that a sole reader may take over a segment held in an array of its own
/// (<see cref="TryTake"/>), so that a megabyte read as a <c>byte[]</c> is not copied once more.
/// </remarks>
internal sealed class BinaryPayload : MemoryManager<byte>
{
    private readonly byte[] json;
    private readonly int jsonOffset;
    private readonly int jsonLength;
    private readonly ReadOnlyMemory<byte>[] segments;

    // 1 for each segment that is a whole array nobody else holds, which a sole reader may take; 2 once taken.
    private readonly int[]? owned;

    // 1 while the payload is its one frame's alone and nothing has read its segments (Recycle may take them), else 0.
    private int recyclable;

    /// <param name="json">The UTF-8 JSON.</param>
    /// <param name="segments">The segments' bytes.</param>
    /// <param name="segmentsOwned">Whether each segment that is a whole array is held by nobody else.</param>
    /// <param name="recyclable">
    /// Whether the payload was just made by the sender's serializer for one frame, so that the transport that writes
    /// it may keep the segments' arrays for later payloads (<see cref="Recycle"/>) unless something read or shared it first.
    /// </param>
    public BinaryPayload(ArraySegment<byte> json, ReadOnlyMemory<byte>[] segments, bool segmentsOwned, bool recyclable = false)
    {
        this.recyclable = recyclable && segmentsOwned ? 1 : 0;
        this.json = json.Array!;
        this.jsonOffset = json.Offset;
        this.jsonLength = json.Count;
        this.segments = segments;
        if (segmentsOwned)
        {
            this.owned = new int[segments.Length];
            for (int i = 0; i < segments.Length; i++)
            {
                this.owned[i] = MemoryMarshal.TryGetArray(segments[i], out ArraySegment<byte> whole) && whole.Offset == 0 && whole.Count == whole.Array!.Length ? 1 : 0;
            }
        }
    }

    /// <summary>Gets the number of segments.</summary>
    public int Count => this.segments.Length;

    /// <summary>Gets the JSON part's length.</summary>
    public int JsonLength => this.jsonLength;

    /// <summary>Gets the bytes of the JSON and every segment together.</summary>
    public long TotalLength
    {
        get
        {
            long total = this.jsonLength;
            foreach (ReadOnlyMemory<byte> segment in this.segments)
            {
                total += segment.Length;
            }

            return total;
        }
    }

    /// <summary>Returns the payload's segments, or <see langword="null"/> when it has none.</summary>
    public static BinaryPayload? Of(ReadOnlyMemory<byte> payload)
        => MemoryMarshal.TryGetMemoryManager(payload, out BinaryPayload? binary) ? binary : null;

    /// <summary>Returns the bytes a payload occupies on the wire after its frame header: the JSON and every segment.</summary>
    public static long LengthOf(ReadOnlyMemory<byte> payload) => Of(payload)?.TotalLength ?? payload.Length;

    /// <summary>Returns segment <paramref name="index"/>.</summary>
    public ReadOnlyMemory<byte> Segment(int index) => this.segments[index];

    /// <summary>
    /// Takes the array that holds segment <paramref name="index"/>, when it is a whole array that nobody else holds
    /// and nobody took before. Only a reader that is known to be the payload's only one may call this.
    /// </summary>
    public bool TryTake(int index, out byte[]? array)
    {
        array = null;
        this.Share();
        if (this.owned is null || Interlocked.CompareExchange(ref this.owned[index], 2, 1) != 1)
        {
            return false;
        }

        MemoryMarshal.TryGetArray(this.segments[index], out ArraySegment<byte> whole);
        array = whole.Array;
        return true;
    }

    /// <summary>Marks the payload as held by more than its one frame (a broadcast, a reader): its arrays are never recycled.</summary>
    public void Share() => Volatile.Write(ref this.recyclable, 0);

    /// <summary>
    /// Called by a transport that has written the payload's frame and holds it no more: hands the segments' arrays to
    /// <see cref="LargeArrayCache"/>, unless the payload was shared or read. Nothing may use the payload afterwards
    /// but for its lengths.
    /// </summary>
    public void Recycle()
    {
        if (Interlocked.Exchange(ref this.recyclable, 0) != 1)
        {
            return;
        }

        for (int i = 0; i < this.segments.Length; i++)
        {
            if (this.owned![i] == 1 && MemoryMarshal.TryGetArray(this.segments[i], out ArraySegment<byte> whole))
            {
                LargeArrayCache.Return(whole.Array!);
            }
        }
    }

    /// <summary>Gets whether segment <paramref name="index"/> was taken by a sole reader, and so is no longer the payload's.</summary>
    public bool IsTaken(int index) => this.owned is not null && Volatile.Read(ref this.owned[index]) == 2;

    public override Span<byte> GetSpan() => new(this.json, this.jsonOffset, this.jsonLength);

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        var handle = GCHandle.Alloc(this.json, GCHandleType.Pinned);
        unsafe
        {
            return new MemoryHandle((byte*)handle.AddrOfPinnedObject() + this.jsonOffset + elementIndex, handle, this);
        }
    }

    public override void Unpin()
    {
        // The GCHandle in the MemoryHandle is freed by the handle itself.
    }

    protected override bool TryGetArray(out ArraySegment<byte> segment)
    {
        segment = new ArraySegment<byte>(this.json, this.jsonOffset, this.jsonLength);
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        // Nothing to release: the arrays belong to the garbage collector.
    }
}
