namespace IpcBridge.Protocol;

/// <summary>The body of an Error frame.</summary>
internal sealed class ErrorPayload
{
    public ErrorCode Code { get; set; }

    public string Message { get; set; } = string.Empty;

    public string? Type { get; set; }

    public string? Stack { get; set; }

    public IpcOperation Operation { get; set; }
}
