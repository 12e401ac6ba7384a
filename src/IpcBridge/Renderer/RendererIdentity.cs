namespace IpcBridge.Renderer;

/// <summary>What main tells an endpoint about itself when it connects.</summary>
internal sealed class RendererIdentity
{
    public RendererIdentity(int endpointId, EndpointKind kind, ChannelAllowlist allowlist, int processId)
    {
        this.EndpointId = endpointId;
        this.Kind = kind;
        this.Allowlist = allowlist;
        this.ProcessId = processId;
    }

    public int EndpointId { get; }

    public EndpointKind Kind { get; }

    public ChannelAllowlist Allowlist { get; }

    public int ProcessId { get; }
}
