using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using IpcBridge.Protocol;

namespace IpcBridge.Diagnostics;

/// <summary>The library's <see cref="ActivitySource"/> and <see cref="Meter"/>; every recording checks for a listener first.</summary>
internal static class Telemetry
{
    public static readonly ActivitySource Source = new(IpcBridgeDiagnostics.ActivitySourceName, typeof(Telemetry).Assembly.GetName().Version?.ToString());

    public static readonly Meter Meter = new(IpcBridgeDiagnostics.MeterName, typeof(Telemetry).Assembly.GetName().Version?.ToString());

    public static readonly Counter<long> Messages = Meter.CreateCounter<long>(IpcBridgeDiagnostics.MessagesInstrument, "{frame}", "Frames carrying messages and calls.");

    public static readonly Counter<long> Bytes = Meter.CreateCounter<long>(IpcBridgeDiagnostics.BytesInstrument, "By", "Payload bytes.");

    public static readonly Histogram<double> InvokeDuration = Meter.CreateHistogram<double>(IpcBridgeDiagnostics.InvokeDurationInstrument, "ms", "Call latency at the caller.");

    public static readonly Counter<long> Denied = Meter.CreateCounter<long>(IpcBridgeDiagnostics.DeniedInstrument, "{frame}", "Frames refused by an allowlist.");

    public static readonly UpDownCounter<long> LiveEndpoints = Meter.CreateUpDownCounter<long>(IpcBridgeDiagnostics.LiveEndpointsInstrument, "{endpoint}", "Endpoints connected to a main process.");

    private static readonly string[] KindNames = CreateKindNames();

    private static readonly KeyValuePair<string, object?> SentTag = new("ipc.direction", "sent");

    private static readonly KeyValuePair<string, object?> ReceivedTag = new("ipc.direction", "received");

    public static string NameOf(FrameKind kind) => (int)kind < KindNames.Length ? KindNames[(int)kind] : ((int)kind).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Counts a frame that carries a message, a call or an answer (not control frames).</summary>
    public static void Count(Frame frame, bool sent)
    {
        if (!IsCounted(frame.Kind))
        {
            return;
        }

        KeyValuePair<string, object?> direction = sent ? SentTag : ReceivedTag;
        if (Messages.Enabled)
        {
            Messages.Add(1, direction, new KeyValuePair<string, object?>("ipc.frame", NameOf(frame.Kind)));
        }

        if (Bytes.Enabled)
        {
            Bytes.Add(Serialization.BinaryPayload.LengthOf(frame.Payload), direction);
        }
    }

    public static void RecordDenied(IpcOperation operation, string channel)
    {
        if (Denied.Enabled)
        {
            Denied.Add(1, new KeyValuePair<string, object?>("ipc.channel", channel), new KeyValuePair<string, object?>("ipc.operation", operation.ToString()));
        }
    }

    public static void EndpointUp(EndpointKind kind) => LiveEndpoints.Add(1, new KeyValuePair<string, object?>("ipc.endpoint.kind", kind.ToString()));

    public static void EndpointDown(EndpointKind kind) => LiveEndpoints.Add(-1, new KeyValuePair<string, object?>("ipc.endpoint.kind", kind.ToString()));

    /// <summary>
    /// Starts the caller's span for a call and returns it (or <see langword="null"/> when nobody listens) without making
    /// it current: the caller's code goes on while the call is pending. <paramref name="context"/> is what travels in the
    /// frame: the span's, else the caller's own current activity's, else none.
    /// </summary>
    public static Activity? StartCall(FrameKind kind, string channel, int endpointId, out ActivityContext context)
    {
        Activity? previous = Activity.Current;
        Activity? activity = Source.HasListeners() ? Source.StartActivity("ipc.invoke", ActivityKind.Client) : null;
        if (activity is not null)
        {
            activity.DisplayName = $"ipc.invoke {channel}";
            activity.SetTag("rpc.system", "ipcbridge");
            activity.SetTag("ipc.channel", channel);
            activity.SetTag("ipc.frame", NameOf(kind));
            activity.SetTag("ipc.endpoint.id", endpointId);
            Activity.Current = previous;
        }

        context = activity?.Context ?? previous?.Context ?? default;
        return activity;
    }

    /// <summary>Ends a call at the caller: stops its span and records its latency.</summary>
    public static void EndCall(Activity? activity, string channel, long startedAt, string outcome, Exception? error)
    {
        if (activity is not null)
        {
            activity.SetTag("ipc.outcome", outcome);
            if (error is not null)
            {
                activity.SetStatus(ActivityStatusCode.Error, error.Message);
                activity.SetTag("exception.type", error.GetType().FullName);
            }

            activity.Stop();
        }

        if (InvokeDuration.Enabled)
        {
            InvokeDuration.Record(
                Elapsed(startedAt).TotalMilliseconds,
                new KeyValuePair<string, object?>("ipc.channel", channel),
                new KeyValuePair<string, object?>("ipc.outcome", outcome));
        }
    }

    /// <summary>Starts the handler's span as a child of the caller's, and makes it current for the handler.</summary>
    public static Activity? StartHandler(string channel, int endpointId, ActivityContext parent)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        Activity? activity = Source.StartActivity("ipc.handle", ActivityKind.Server, parent);
        if (activity is not null)
        {
            activity.DisplayName = $"ipc.handle {channel}";
            activity.SetTag("rpc.system", "ipcbridge");
            activity.SetTag("ipc.channel", channel);
            activity.SetTag("ipc.endpoint.id", endpointId);
        }

        return activity;
    }

    public static void EndHandler(Activity? activity, Exception? error)
    {
        if (activity is null)
        {
            return;
        }

        if (error is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, error.Message);
            activity.SetTag("exception.type", error.GetType().FullName);
        }

        activity.Stop();
    }

    public static long Timestamp() => Stopwatch.GetTimestamp();

    public static TimeSpan Elapsed(long startedAt) => TimeSpan.FromSeconds((Stopwatch.GetTimestamp() - startedAt) / (double)Stopwatch.Frequency);

    private static bool IsCounted(FrameKind kind) => kind is FrameKind.Send or FrameKind.SendSync or FrameKind.Invoke or FrameKind.InvokeStream
        or FrameKind.Result or FrameKind.Error or FrameKind.StreamItem or FrameKind.PortMessage;

    private static string[] CreateKindNames()
    {
        var names = new string[64];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = Enum.IsDefined(typeof(FrameKind), (byte)i) ? ((FrameKind)i).ToString() : i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return names;
    }
}
