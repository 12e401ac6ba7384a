using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace IpcBridge.Benchmarks.Bridges;

/// <summary>
/// The child side of <see cref="ChildBridge"/>: connects to main, answers port and forwarding traffic, and times the
/// loops main asks for, off its dispatch loop so replies keep flowing in.
/// </summary>
public sealed class RendererChild
{
    private IpcRenderer ipc = null!;
    private MessagePortMain? port;
    private TaskCompletionSource<string>? waiting;

    public static async Task<int> RunAsync()
    {
        var child = new RendererChild();
        await using RendererProcess process = await RendererProcess.ConnectAsync(new RendererProcessOptions
        {
            Preload = (ipc, _) => child.Load(ipc),
        });

        // A launched child exits by itself once main is gone (ExitWhenMainGone).
        await process.Disconnected;
        return 0;
    }

    private void Load(IpcRenderer renderer)
    {
        this.ipc = renderer;
        renderer.On<RunCommand>(Channels.Run, (e, command) => _ = Task.Run(() => this.ExecuteAsync(command)));
        renderer.On(Channels.Port, (e, args) => this.StartPort(e.Ports[0], args.Get<string>(0)));
        renderer.On<string>(Channels.ForwardIn, (_, value) => renderer.Send(Channels.ForwardBack, value));
        renderer.On<string>(Channels.ForwardReply, (_, value) => this.waiting?.TrySetResult(value));
        renderer.Send(Channels.Ready);
    }

    private void StartPort(MessagePortMain received, string role)
    {
        // A new pair replaces one main gave up on.
        this.port?.Close();
        this.port = received;
        if (role == PortRoles.Echo)
        {
            received.Message += (_, m) => received.PostMessage(m.GetData<string>());
        }
        else
        {
            received.Message += (_, m) => this.waiting?.TrySetResult(m.GetData<string>());
        }

        received.Start();
        this.ipc.Send(Channels.PortReady);
    }

    private async Task ExecuteAsync(RunCommand command)
    {
        var result = new RunResult { Id = command.Id };
        using var timeout = new CancellationTokenSource(command.TimeoutMilliseconds);

        // One registration per run, not a timer per round trip: a lost answer fails the wait instead of hanging it.
        using CancellationTokenRegistration giveUp = timeout.Token.Register(
            () => Volatile.Read(ref this.waiting)?.TrySetException(new TimeoutException($"no answer within {command.TimeoutMilliseconds} ms")));
        try
        {
            string payload = Payloads.Get(command.Size);
            long start = Stopwatch.GetTimestamp();
            switch (command.Kind)
            {
                case RunKinds.Invoke:
                    for (int i = 0; i < command.Count; i++)
                    {
                        string echoed = await this.ipc.InvokeAsync<string>(Channels.Echo, payload);
                        Check(echoed, payload);
                    }

                    break;

                case RunKinds.InvokeBytes:
                    byte[] bytes = Payloads.GetBytes(command.Size);
                    for (int i = 0; i < command.Count; i++)
                    {
                        byte[] echoed = await this.ipc.InvokeAsync<byte[]>(Channels.EchoBytes, bytes);
                        if (echoed.Length != bytes.Length)
                        {
                            throw new InvalidOperationException("the echo differs from what was sent");
                        }
                    }

                    break;

                case RunKinds.Send:
                    for (int i = 0; i < command.Count; i++)
                    {
                        this.ipc.Send(Channels.Sink, payload);
                    }

                    int arrived = await this.ipc.InvokeAsync<int>(Channels.Drain);
                    if (arrived != command.Count)
                    {
                        throw new InvalidOperationException($"main received {arrived} of {command.Count} messages before the drain");
                    }

                    break;

                case RunKinds.Port:
                    MessagePortMain mine = this.port ?? throw new InvalidOperationException("no port was posted to this endpoint");
                    for (int i = 0; i < command.Count; i++)
                    {
                        Task<string> echo = this.Expect(timeout.Token);
                        mine.PostMessage(payload);
                        Check(await echo, payload);
                    }

                    break;

                case RunKinds.Forward:
                    for (int i = 0; i < command.Count; i++)
                    {
                        Task<string> echo = this.Expect(timeout.Token);
                        this.ipc.Send(Channels.ForwardOut, payload);
                        Check(await echo, payload);
                    }

                    break;

                default:
                    throw new InvalidOperationException($"unknown run kind '{command.Kind}'");
            }

            result.Seconds = Stopwatch.GetElapsedTime(start).TotalSeconds / command.Count;
        }
        catch (Exception ex)
        {
            // Main learns of it in the result and fails the comparison with it.
            result.Error = $"{ex.GetType().Name}: {ex.Message}";
        }

        this.ipc.Send(Channels.RunDone, result);
    }

    private Task<string> Expect(CancellationToken timeout)
    {
        var next = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref this.waiting, next);

        // The run's time may have run out between two round trips, when the registration found nothing to fail.
        return timeout.IsCancellationRequested ? Task.FromException<string>(new TimeoutException("the run's time ran out")) : next.Task;
    }

    private static void Check(string echoed, string payload)
    {
        if (echoed.Length != payload.Length)
        {
            throw new InvalidOperationException("the echo differs from what was sent");
        }
    }
}
