using Microsoft.Extensions.Logging;

namespace IpcBridge.AspNetCore;

/// <summary>The web endpoint's log messages. None of them ever carries a page token.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Refused a web page's connection to {Path}: {Why}.")]
    public static partial void Refused(ILogger logger, string path, string why);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Refused a sendSync request to {Path}: {Why}.")]
    public static partial void SyncRefused(ILogger logger, string path, string why);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Attached a web page as endpoint {EndpointId} ({Kind}, '{Name}') from origin {Origin}.")]
    public static partial void Attached(ILogger logger, int endpointId, EndpointKind kind, string? name, string origin);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "Closed web endpoint {EndpointId}: its sendSync request broke the protocol: {What}.")]
    public static partial void SyncViolation(ILogger logger, int endpointId, string what);
}
