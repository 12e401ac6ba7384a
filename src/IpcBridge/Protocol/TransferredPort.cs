namespace IpcBridge.Protocol;

/// <summary>
/// A port carried by a frame: the port's id, its partner's id and its queue limit, as one (id, partner id, limit) varint
/// triple on the wire (docs/protocol.md).
/// </summary>
internal readonly struct TransferredPort
{
    public TransferredPort(long id, long partnerId, long encodedLimit)
    {
        this.Id = id;
        this.PartnerId = partnerId;
        this.EncodedLimit = encodedLimit;
    }

    /// <summary>Gets the id of the port that moves.</summary>
    public long Id { get; }

    /// <summary>Gets the id of the port's partner, which stays where it is.</summary>
    public long PartnerId { get; }

    /// <summary>Gets the port's <see cref="QueueLimit"/> as <see cref="QueueLimit.Encode"/> packs it (0 = unbounded).</summary>
    public long EncodedLimit { get; }

    /// <summary>Gets the port's queue limit, or <see langword="null"/> when unbounded (or when the number is not a valid limit).</summary>
    public QueueLimit? Limit => QueueLimit.Decode(this.EncodedLimit);

    /// <summary>Describes <paramref name="port"/> for the frame that carries it away.</summary>
    public static TransferredPort Of(MessagePortMain port) => new(port.Id, port.PartnerId, QueueLimit.Encode(port.Limit));

    public override string ToString() => $"{this.Id:x16} (partner {this.PartnerId:x16})";
}
