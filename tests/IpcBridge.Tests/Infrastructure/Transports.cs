using System.Collections.Generic;

namespace IpcBridge.Tests.Infrastructure;

/// <summary>Theory data: one row per transport, so one suite covers both.</summary>
public static class Transports
{
    public static IEnumerable<object[]> All
    {
        get
        {
            yield return new object[] { TransportKind.InProcess };
            yield return new object[] { TransportKind.Stream };
        }
    }
}
