namespace IpcBridge.Benchmarks.Bridges;

/// <summary>What a child endpoint does with the port main posts to it.</summary>
public static class PortRoles
{
    /// <summary>Posts a message back for every message.</summary>
    public const string Echo = "echo";

    /// <summary>Times round trips on it when main sends a <see cref="RunKinds.Port"/> command.</summary>
    public const string Ping = "ping";
}
