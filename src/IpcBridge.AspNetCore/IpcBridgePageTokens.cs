using System;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace IpcBridge.AspNetCore;

/// <summary>
/// The one-time tokens main gives each page it serves, and that the page presents in its hello (docs/web.md). A token
/// is 32 random bytes (base64url), valid once, for <see cref="IpcBridgePageTokenOptions.Lifetime"/>. Registered as a
/// singleton by <c>AddWebRenderers()</c>.
/// </summary>
/// <remarks>
/// Thread-safe. Tokens are kept only as SHA-256 hashes, looked up by hash and compared in constant time, so neither the
/// table nor the timing of a check reveals a token. Nothing here logs a token.
/// </remarks>
public sealed class IpcBridgePageTokens
{
    private readonly ConcurrentDictionary<string, long> issued = new(StringComparer.Ordinal);
    private readonly TimeSpan lifetime;
    private readonly TimeProvider time;

    /// <summary>Creates the token table.</summary>
    /// <param name="options">The settings.</param>
    /// <exception cref="ArgumentOutOfRangeException">The lifetime is not positive.</exception>
    public IpcBridgePageTokens(IOptions<IpcBridgePageTokenOptions> options)
        : this(options?.Value.Lifetime ?? throw new ArgumentNullException(nameof(options)), TimeProvider.System)
    {
    }

    internal IpcBridgePageTokens(TimeSpan lifetime, TimeProvider time)
    {
        if (lifetime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "A page token's lifetime must be positive.");
        }

        this.lifetime = lifetime;
        this.time = time;
    }

    /// <summary>Gets how many issued tokens are neither used nor expired (for tests and diagnostics).</summary>
    internal int Outstanding
    {
        get
        {
            this.Purge();
            return this.issued.Count;
        }
    }

    /// <summary>Issues a new token for one page. Put it in the page (<see cref="IpcBridgePage.WithLink"/>), never in a URL.</summary>
    /// <returns>The token: 43 characters of base64url.</returns>
    public string Issue()
    {
        this.Purge();
        byte[] bytes = RandomNumberGenerator.GetBytes(32);
        string token = Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        this.issued[Hash(token)] = this.time.GetTimestamp();
        return token;
    }

    /// <summary>Uses up a token: succeeds once for a token issued here that has not expired.</summary>
    /// <param name="token">The token a page presented.</param>
    /// <returns>Whether it was valid; it is not any more.</returns>
    internal bool TryRedeem(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return false;
        }

        string hash = Hash(token);
        return this.issued.TryRemove(hash, out long issuedAt) && this.time.GetElapsedTime(issuedAt) <= this.lifetime;
    }

    /// <summary>Compares two tokens in constant time (in their content).</summary>
    internal static bool Equal(string expected, string? actual)
        => actual is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(actual)));

    private static string Hash(string token) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private void Purge()
    {
        foreach (System.Collections.Generic.KeyValuePair<string, long> entry in this.issued)
        {
            if (this.time.GetElapsedTime(entry.Value) > this.lifetime)
            {
                this.issued.TryRemove(entry.Key, out _);
            }
        }
    }
}
