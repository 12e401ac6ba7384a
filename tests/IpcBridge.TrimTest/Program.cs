using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;

namespace IpcBridge.TrimTest;

/// <summary>
/// Main and an in-process renderer talking through typed channels only: send, listen, reply, invoke in both
/// directions and broadcast. Prints OK and exits 0 when every answer is right; otherwise prints what went wrong and
/// exits 1.
/// </summary>
internal static class Program
{
    private static readonly IpcChannel<Greeting> Hello = new("trim:hello", TrimJsonContext.Default.Greeting);
    private static readonly IpcChannel<Greeting> Welcome = new("trim:welcome", TrimJsonContext.Default.Greeting);
    private static readonly IpcInvokeChannel<AddRequest, AddResult> Add = new("trim:add", TrimJsonContext.Default.AddRequest, TrimJsonContext.Default.AddResult, TimeSpan.FromSeconds(20));
    private static readonly IpcStreamChannel<int, int> Count = new("trim:count", TrimJsonContext.Default.Int32, TrimJsonContext.Default.Int32);
    private static readonly IpcInvokeChannel<string, string> Shout = new("trim:shout", TrimJsonContext.Default.String, TrimJsonContext.Default.String, TimeSpan.FromSeconds(20));

    public static async Task<int> Main()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            string failure = await RunAsync(timeout.Token).ConfigureAwait(false);
            if (failure.Length == 0)
            {
                failure = await CapabilityCheck.RunAsync(timeout.Token).ConfigureAwait(false);
            }

            if (failure.Length > 0)
            {
                await Console.Error.WriteLineAsync("FAILED: " + failure).ConfigureAwait(false);
                return 1;
            }

            Console.WriteLine("OK");
            return 0;
        }
        catch (Exception ex)
        {
            await Console.Error.WriteLineAsync("FAILED: " + ex).ConfigureAwait(false);
            return 1;
        }
    }

    private static async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        await using var main = new MainProcess();
        var greeted = new TaskCompletionSource<Greeting>(TaskCreationOptions.RunContinuationsAsynchronously);
        var welcomed = new TaskCompletionSource<Greeting>(TaskCreationOptions.RunContinuationsAsynchronously);
        var broadcast = new TaskCompletionSource<Greeting>(TaskCreationOptions.RunContinuationsAsynchronously);
        main.IpcMain.On(Hello, (e, g) =>
        {
            greeted.TrySetResult(g);
            e.Reply(Welcome, new Greeting("welcome " + g.Name));
        });
        main.IpcMain.Handle(Add, (e, r) => new AddResult(r.A + r.B));
        main.IpcMain.HandleStream(Count, (e, n) => CountAsync(n, e.CancellationToken));

        IpcRenderer? renderer = null;
        await using RendererEndpoint endpoint = await main.CreateWindowAsync(
            new RendererOptions
            {
                Allowlist = ChannelAllowlist.DenyAll.AllowSend(Hello).AllowReceive(Welcome).AllowInvoke(Add).AllowInvoke(Count).AllowHandle(Shout),
                Preload = (ipc, bridge) =>
                {
                    renderer = ipc;
                    ipc.Once(Welcome, (e, g) => welcomed.TrySetResult(g));
                    ipc.Handle(Shout, (e, s) => s.ToUpperInvariant());
                },
            },
            cancellationToken).ConfigureAwait(false);
        if (renderer is null)
        {
            return "the preload did not run";
        }

        renderer.Send(Hello, new Greeting("trimmed"));
        Greeting hello = await greeted.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        Greeting welcome = await welcomed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        AddResult sum = await renderer.InvokeAsync(Add, new AddRequest(2, 40), cancellationToken).ConfigureAwait(false);
        int counted = 0;
        await foreach (int n in renderer.InvokeStream(Count, 3).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            counted += n;
        }

        string shouted = await endpoint.WebContents.InvokeAsync(Shout, "quiet", cancellationToken).ConfigureAwait(false);
        renderer.On(Welcome, (e, g) => broadcast.TrySetResult(g));
        int reached = main.Broadcast(EndpointKind.Window, Welcome, new Greeting("everyone"));
        Greeting everyone = await broadcast.Task.WaitAsync(cancellationToken).ConfigureAwait(false);

        return hello.Name != "trimmed" ? $"main got '{hello.Name}'"
            : welcome.Name != "welcome trimmed" ? $"the reply was '{welcome.Name}'"
            : sum.Sum != 42 ? $"2 + 40 came back as {sum.Sum}"
            : counted != 1 + 2 + 3 ? $"the stream added up to {counted}"
            : shouted != "QUIET" ? $"the renderer answered '{shouted}'"
            : reached != 1 || everyone.Name != "everyone" ? $"the broadcast reached {reached} endpoint(s) with '{everyone.Name}'"
            : string.Empty;
    }

    private static async IAsyncEnumerable<int> CountAsync(int n, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (int i = 1; i <= n; i++)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return i;
        }
    }
}

internal sealed record Greeting(string Name);

internal sealed record AddRequest(int A, int B);

internal sealed record AddResult(int Sum);

[JsonSerializable(typeof(Greeting))]
[JsonSerializable(typeof(AddRequest))]
[JsonSerializable(typeof(AddResult))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
internal sealed partial class TrimJsonContext : JsonSerializerContext
{
}
