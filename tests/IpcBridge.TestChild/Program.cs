using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge;
using IpcBridge.Protocol;
using IpcBridge.Transport;

// A small child process the cross-process tests launch. The first argument picks a behaviour:
//   renderer      a well-behaved endpoint (see RunRendererAsync)
//   main MODE     a main process that launches a grandchild in MODE (orphan or orphan-invoke), prints
//                 "grandchild <pid>" once it is ready, and waits to be killed
//   orphan        an endpoint that ignores its link ending and would live forever, but for ExitWhenMainGone
//   orphan-invoke an endpoint (ExitWhenMainGone off) with an invoke pending at main; prints how the invoke ended
//                 ("invoke <exception type>") when main is gone, then exits
//   linger        an endpoint (ExitWhenMainGone off) that outlives its link until killed
//   no-connect    exits with code 5 without connecting
//   no-connect-wait
//                 never connects and lives until killed
//   wrong-token   says hello with a wrong token and exits 7 when refused
//   preload-throws
//                 connects with a preload that throws InvalidOperationException("preload exploded"); the exception
//                 is left unhandled, so the process exits non-zero as any .NET program does
//   preload-hangs connects with a preload that never returns
//   garbage | truncated | oversized | unknown-kind | unknown-reply
//                 completes the handshake, then breaks the protocol that way and lives on until killed
return args.Length == 0 ? 64 : args[0] switch
{
    "renderer" => await RunRendererAsync(),
    "main" => await RunMainAsync(args.Length > 1 ? args[1] : "orphan"),
    "orphan" => await RunOrphanAsync(),
    "orphan-invoke" => await RunOrphanInvokeAsync(),
    "linger" => await RunLingerAsync(),
    "no-connect" => 5,
    "no-connect-wait" => await WaitForeverAsync(),
    "wrong-token" => await RunWrongTokenAsync(),
    "preload-throws" => await RunPreloadAsync(() => throw new InvalidOperationException("preload exploded")),
    "preload-hangs" => await RunPreloadAsync(() => Thread.Sleep(Timeout.Infinite)),
    _ => await RunFaultAsync(args[0]),
};

static async Task<int> RunRendererAsync()
{
    await using RendererProcess process = await RendererProcess.ConnectAsync(new RendererProcessOptions
    {
        Preload = (ipc, _) =>
        {
            ipc.On("ping", (e, a) => ipc.Send("pong", a.Get<string>(0), Environment.ProcessId));
            ipc.On<int>("exit", (_, code) => Environment.Exit(code));
            ipc.On("crash", (_, _) => Environment.FailFast("asked to crash"));
            ipc.On("invoke-hang", (e, a) =>
            {
                Task<string> call = ipc.InvokeAsync<string>("hang");
                call.ContinueWith(
                    t => ipc.Send("hang-result", t.Exception?.InnerException?.GetType().Name ?? "completed"),
                    TaskScheduler.Default);
            });
            // Ports: the first one given on "port" echoes what it receives; "port-stream" n posts 0..n-1 on it and
            // reports with "port-done" how many echoes came back in order.
            ipc.On("port", (e, _) => StartPort(ipc, e.Ports[0]));
            ipc.On<int>("port-stream", (_, n) => StreamOnPort(ipc, n));
            // Calls from main: "slow" waits until cancelled and reports it; "count" streams 0..n-1.
            ipc.Handle("slow", async (e, a) =>
            {
                ipc.Send("slow-started", Environment.ProcessId);
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, e.CancellationToken);
                }
                catch (OperationCanceledException)
                {
                    ipc.Send("slow-cancelled", Environment.ProcessId);
                    throw;
                }

                return 0;
            });
            ipc.Handle("echo", (e, a) => a.Get<string>(0));
            ipc.HandleStream("count", (e, a) => Count(a.Get<int>(0), e.CancellationToken));
            // A contract main calls through WebContents.GetContract<IChildCounter>().
            ipc.HandleContract<IpcBridge.ChildApi.IChildCounter>(new IpcBridge.ChildApi.ChildCounter(ipc));

            // Calls to main: "invoke-cancel" invokes main's "hang", cancels once main says it started, and reports the outcome.
            ipc.On("invoke-cancel", (e, a) =>
            {
                var cts = new CancellationTokenSource();
                ipc.Once("hang-started", (_, _) => cts.Cancel());
                ipc.InvokeAsync<string>("hang", Array.Empty<object?>(), cts.Token).ContinueWith(
                    t => ipc.Send("cancel-result", t.IsCanceled ? "cancelled" : t.Exception?.InnerException?.GetType().Name ?? "completed"),
                    TaskScheduler.Default);
            });
            ipc.Send("ready", Environment.ProcessId);
        },
    });

    // A launched child exits by itself when main goes away (ExitWhenMainGone); until then it serves.
    await process.Disconnected;
    return 0;
}

static void StartPort(IpcRenderer ipc, MessagePortMain port)
{
    PortState.Port = port;
    port.Closed += (_, _) => ipc.Send("port-closed", Environment.ProcessId);
    port.Message += (_, m) =>
    {
        int n = m.GetData<int>();
        if (n >= 0)
        {
            // An echo request from the other end: answer with the negated value (-1 - n, so 0 stays distinct).
            port.PostMessage(-1 - n);
            return;
        }

        int echoed = -1 - n;
        if (echoed == PortState.NextEcho)
        {
            PortState.NextEcho++;
        }
        else
        {
            PortState.OutOfOrder++;
        }

        if (PortState.NextEcho + PortState.OutOfOrder == PortState.Expected)
        {
            ipc.Send("port-done", PortState.NextEcho, PortState.OutOfOrder);
        }
    };
    port.Start();
}

static async IAsyncEnumerable<int> Count(int count, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token)
{
    for (int i = 0; i < count; i++)
    {
        await Task.Yield();
        token.ThrowIfCancellationRequested();
        yield return i;
    }
}

static void StreamOnPort(IpcRenderer ipc, int count)
{
    PortState.Expected = count;
    PortState.NextEcho = 0;
    PortState.OutOfOrder = 0;
    for (int i = 0; i < count; i++)
    {
        PortState.Port!.PostMessage(i);
    }
}

static async Task<int> RunMainAsync(string grandchildMode)
{
    await using var main = new MainProcess();
    var ready = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
    var hangStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    main.IpcMain.On<int>("ready", (_, pid) => ready.TrySetResult(pid));
    main.IpcMain.Handle("hang", async (e, _) =>
    {
        hangStarted.TrySetResult();
        await Task.Delay(Timeout.Infinite, e.CancellationToken);
        return "never";
    });
    ProcessStartInfo start = MainProcess.CreateStartInfoForThisApp(grandchildMode);
    await main.LaunchAsync(start, new LaunchOptions { Allowlist = ChannelAllowlist.AllowAll() });
    int pid = await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
    if (grandchildMode == "orphan-invoke")
    {
        await hangStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    Console.WriteLine($"grandchild {pid}");
    await Task.Delay(Timeout.Infinite);
    return 0;
}

static async Task<int> WaitForeverAsync()
{
    await Task.Delay(Timeout.Infinite);
    return 0;
}

static async Task<int> RunOrphanAsync()
{
    await using RendererProcess process = await RendererProcess.ConnectAsync(new RendererProcessOptions
    {
        Preload = (ipc, _) => ipc.Send("ready", Environment.ProcessId),
    });

    // Deliberately never looks at process.Disconnected: only ExitWhenMainGone can end this process.
    await Task.Delay(Timeout.Infinite);
    return 0;
}

static async Task<int> RunOrphanInvokeAsync()
{
    Task<string>? call = null;
    await using RendererProcess process = await RendererProcess.ConnectAsync(new RendererProcessOptions
    {
        ExitWhenMainGone = false,
        Preload = (ipc, _) =>
        {
            // Sent before "ready", so main's handler has started by the time main reads "ready".
            call = ipc.InvokeAsync<string>("hang");
            ipc.Send("ready", Environment.ProcessId);
        },
    });

    try
    {
        string result = await call!.WaitAsync(TimeSpan.FromSeconds(60));
        Console.WriteLine($"invoke completed {result}");
    }
    catch (Exception ex)
    {
        Console.WriteLine($"invoke {ex.GetType().Name}");
    }

    return 0;
}

static async Task<int> RunLingerAsync()
{
    await using RendererProcess process = await RendererProcess.ConnectAsync(new RendererProcessOptions
    {
        ExitWhenMainGone = false,
        Preload = (ipc, _) => ipc.Send("ready", Environment.ProcessId),
    });
    await Task.Delay(Timeout.Infinite);
    return 0;
}

static async Task<int> RunPreloadAsync(Action preload)
{
    await using RendererProcess process = await RendererProcess.ConnectAsync(new RendererProcessOptions
    {
        Preload = (_, _) => preload(),
    });
    await process.Disconnected;
    return 0;
}

static async Task<int> RunWrongTokenAsync()
{
    using Stream stream = await ConnectRawAsync();
    var framed = new FramedStream(stream, 1 << 20);
    try
    {
        await Handshake.ConnectAsync(framed, "not-the-token", Environment.ProcessId, CancellationToken.None);
        return 0;
    }
    catch (IpcProtocolException)
    {
        return 7;
    }
}

static async Task<int> RunFaultAsync(string fault)
{
    Stream stream = await ConnectRawAsync();
    var framed = new FramedStream(stream, 1 << 20);
    await Handshake.ConnectAsync(framed, Environment.GetEnvironmentVariable(RendererProcess.TokenVariable), Environment.ProcessId, CancellationToken.None);
    await framed.WriteFrameAsync(new Frame(FrameKind.Ready, 0, string.Empty, ReadOnlyMemory<byte>.Empty), CancellationToken.None);
    byte[] bad = fault switch
    {
        "garbage" => Encoding.ASCII.GetBytes("\x05\x00\x00\x00this is not a frame at all, just noise"),
        // A header announcing 100 bytes, then the end of what this side sends.
        "truncated" => [100, 0, 0, 0, 1, 0, 0],
        // 2 MiB announced; the tests set MaxFrameSize to 1 MiB, below the 64 MiB default.
        "oversized" => [0x00, 0x00, 0x20, 0x00, 1],
        // A whole frame (kind, call id, port id, channel length, port count) of a kind that does not exist.
        "unknown-kind" => [5, 0, 0, 0, 0x33, 0, 0, 0, 0],
        "unknown-reply" => [5, 0, 0, 0, (byte)FrameKind.Result, 99, 0, 0, 0],
        _ => throw new ArgumentException($"unknown fault '{fault}'"),
    };
    await stream.WriteAsync(bad);
    await stream.FlushAsync();
    if (fault == "truncated")
    {
        // End the stream inside the frame, without exiting: main must notice the truncation itself.
        ((System.Net.Sockets.NetworkStream)stream).Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
    }

    // A broken peer does not go away by itself: main must disconnect it and then kill it.
    await Task.Delay(Timeout.Infinite);
    return 0;
}

static async Task<Stream> ConnectRawAsync()
{
    string address = Environment.GetEnvironmentVariable(RendererProcess.AddressVariable) ?? throw new InvalidOperationException("not launched by main");
    return await ChildAddress.ConnectAsync(address, CancellationToken.None);
}

/// <summary>What the child's port scenario remembers between messages (handlers run one at a time).</summary>
internal static class PortState
{
    public static MessagePortMain? Port { get; set; }

    public static int Expected { get; set; }

    public static int NextEcho { get; set; }

    public static int OutOfOrder { get; set; }
}
