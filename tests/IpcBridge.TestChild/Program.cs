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
//   main          a main process that launches a renderer grandchild, prints its pid, and waits to be killed
//   no-connect    exits with code 5 without connecting
//   wrong-token   says hello with a wrong token and exits 7 when refused
//   garbage | truncated | oversized | unknown-kind | unknown-reply
//                 completes the handshake, then breaks the protocol that way and waits to be disconnected
return args.Length == 0 ? 64 : args[0] switch
{
    "renderer" => await RunRendererAsync(),
    "main" => await RunMainAsync(),
    "no-connect" => 5,
    "wrong-token" => await RunWrongTokenAsync(),
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

static async Task<int> RunMainAsync()
{
    await using var main = new MainProcess();
    var ready = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
    main.IpcMain.On<int>("ready", (_, pid) => ready.TrySetResult(pid));
    ProcessStartInfo start = MainProcess.CreateStartInfoForThisApp("renderer");
    await main.LaunchAsync(start, new LaunchOptions { Allowlist = ChannelAllowlist.AllowAll() });
    int pid = await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
    Console.WriteLine($"grandchild {pid}");
    await Task.Delay(Timeout.Infinite);
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
    byte[] bad = fault switch
    {
        "garbage" => Encoding.ASCII.GetBytes("\x05\x00\x00\x00this is not a frame at all, just noise"),
        "truncated" => [100, 0, 0, 0, 1, 0, 0],
        "oversized" => [0xFF, 0xFF, 0xFF, 0x7F, 1],
        "unknown-kind" => [4, 0, 0, 0, 0x33, 0, 0, 0],
        "unknown-reply" => [5, 0, 0, 0, (byte)FrameKind.Result, 99, 0, 0, 0],
        _ => throw new ArgumentException($"unknown fault '{fault}'"),
    };
    await stream.WriteAsync(bad);
    await stream.FlushAsync();
    if (fault == "truncated")
    {
        // End the stream inside the frame.
        stream.Dispose();
        return 0;
    }

    // Wait for main to disconnect us.
    var buffer = new byte[4096];
    while (await stream.ReadAsync(buffer) > 0)
    {
    }

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
