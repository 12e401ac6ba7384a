using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using IpcBridge.Serialization;

namespace IpcBridge.Protocol;

/// <summary>The caller's side of a stream invoke: reads items as they arrive and gives the producer credit for them.</summary>
internal static class StreamCalls
{
    /// <summary>
    /// Starts the call when enumeration starts, yields each item, and grants credit back once half the window is read.
    /// Disposing the enumerator early, or cancelling, sends Cancel so the producer stops.
    /// </summary>
    public static async IAsyncEnumerable<TItem> ReadAsync<TItem>(
        IpcConnection connection,
        string channel,
        ReadOnlyMemory<byte> payload,
        int window,
        Func<ReadOnlyMemory<byte>, TItem> read,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        StreamCall call = connection.CallStream(channel, payload, window, cancellationToken);
        int threshold = Math.Max(1, window / 2);
        int consumed = 0;
        bool ended = false;
        try
        {
            while (await call.Items.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (call.Items.TryRead(out ReadOnlyMemory<byte> item))
                {
                    TItem value = read(item);
                    if (++consumed >= threshold)
                    {
                        call.Granted(consumed);
                        connection.GrantCredit(call.Id, consumed);
                        consumed = 0;
                    }

                    yield return value;
                }
            }

            ended = true;
        }
        finally
        {
            if (!ended)
            {
                // Stopped early (disposed, cancelled, an item that did not deserialize): tell the producer; the span ends as cancelled.
                connection.Abandon(call.Id);
            }
        }
    }
}
