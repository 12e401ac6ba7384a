using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace IpcBridge.Stress;

/// <summary>
/// The child endpoint the kill storm and the soak launch (this program with the argument <c>child</c>):
///   "hang" (main invokes it)   never answers until cancelled
///   "call-main"                invokes main's "hang-main", which never answers: a call pending the other way
///   "crash"                    ends the process with Environment.FailFast
///   "soak-port" + a port       the port the soak posts on
///   "soak" [count, batch]      the soak traffic: sends, invokes and port posts, numbered, with a barrier every batch
/// </summary>
public static class ChildRole
{
    /// <summary>What main lets the child do: everything both the kill storm and the soak ask of it.</summary>
    public static ChannelAllowlist Allowlist { get; } = ChannelAllowlist.DenyAll
        .AllowInvoke("hang-main", "soak-invoke", "soak-barrier")
        .AllowHandle("hang")
        .AllowReceive("call-main", "crash", "soak", "soak-port")
        .AllowPorts("soak-port")
        .AllowSend("soak-send", "soak-done");

    public static async Task<int> RunAsync()
    {
        MessagePortMain? soakPort = null;
        await using RendererProcess process = await RendererProcess.ConnectAsync(new RendererProcessOptions
        {
            Preload = (ipc, _) =>
            {
                ipc.Handle("hang", async (e, _) =>
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, e.CancellationToken);
                    return 0;
                });
                ipc.On("call-main", (_, _) =>
                {
                    // Pending until this process dies; the continuation observes the failure should main go first.
                    Task<int> call = ipc.InvokeAsync<int>("hang-main");
                    call.ContinueWith(t => t.Exception, TaskScheduler.Default);
                });
                ipc.On("crash", (_, _) => Environment.FailFast("the kill storm asked this child to crash"));
                ipc.On("soak-port", (e, _) =>
                {
                    soakPort = e.Ports[0];
                    soakPort.Start();
                });
                ipc.On("soak", (_, a) =>
                {
                    int count = a.Get<int>(0);
                    int batch = a.Get<int>(1);
                    Task.Run(() => SoakAsync(ipc, soakPort!, count, batch));
                });
            },
        });

        await process.Disconnected;
        return 0;
    }

    /// <summary>Numbers 0..count-1 go out in order: seven in ten as sends, two on the port, one as an invoke.</summary>
    private static async Task SoakAsync(IpcRenderer ipc, MessagePortMain port, int count, int batch)
    {
        int wrongAnswers = 0;
        string? error = null;
        try
        {
            var invokes = new List<(int N, Task<int> Call)>();
            for (int i = 0; i < count; i++)
            {
                switch (Soak.Route(i))
                {
                    case Soak.Channel.Port:
                        port.PostMessage(i);
                        break;
                    case Soak.Channel.Invoke:
                        invokes.Add((i, ipc.InvokeAsync<int>("soak-invoke", i)));
                        break;
                    default:
                        ipc.Send("soak-send", i);
                        break;
                }

                if ((i + 1) % batch == 0 || i == count - 1)
                {
                    // The barrier answers once main has dispatched everything before it: that bounds what is in flight.
                    await ipc.InvokeAsync<int>("soak-barrier", i);
                    foreach ((int n, Task<int> call) in invokes)
                    {
                        wrongAnswers += await call == n * 2 ? 0 : 1;
                    }

                    invokes.Clear();
                }
            }
        }
        catch (Exception ex)
        {
            error = ex.ToString();
        }

        ipc.Send("soak-done", wrongAnswers, error);
    }
}
