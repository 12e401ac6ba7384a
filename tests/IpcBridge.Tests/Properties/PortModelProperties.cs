using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CsCheck;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Properties;

/// <summary>
/// Random sequences of port transfers, posts and closes, checked against a model: two queues, one each way, that lose
/// and reorder nothing. One end stays in main; the other is moved between main and a renderer while messages flow.
/// </summary>
public class PortModelProperties
{
    private enum Op
    {
        /// <summary>Main's end posts the next number towards the moving end.</summary>
        Post,

        /// <summary>The moving end, wherever it is, posts the next number back to main's end.</summary>
        PostBack,

        /// <summary>The moving end is transferred to the other side (main to renderer, or back), without waiting for it to arrive.</summary>
        Move,
    }

    private static readonly Gen<Op[]> Ops = Gen.Frequency(
        (5, Gen.Const(Op.Post)),
        (3, Gen.Const(Op.PostBack)),
        (2, Gen.Const(Op.Move))).Array[1, 40];

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Port_RandomTransfersPostsAndCloses_NothingLostOrReordered(TransportKind transport)
    {
        await using var stage = await Stage.CreateAsync(transport);
        await Gen.Select(Ops, Gen.Int[0, 2]).SampleAsync(
            (ops, close) => stage.PlayAsync(ops, close),
            iter: 100,
            threads: 1,
            print: sample => $"[{string.Join(", ", sample.Item1)}], close {sample.Item2}");
    }

    /// <summary>
    /// The shape the property found losing and reordering messages: the port bounced main → renderer → main → renderer → main
    /// while main's end posts, so messages chase it across hand-overs (a message reaching the object just given away, a
    /// message routed the new way before the frame carrying the port). Repeated, since it takes a particular interleaving.
    /// </summary>
    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task Port_BouncedWhileThePartnerPosts_NothingLostOrReordered(TransportKind transport)
    {
        await using var stage = await Stage.CreateAsync(transport);
        Op[] ops = { Op.PostBack, Op.Move, Op.Move, Op.Post, Op.Post, Op.Move, Op.Post, Op.Move };
        for (int i = 0; i < 1000; i++)
        {
            await stage.PlayAsync(ops, i % 3);
        }
    }

    /// <summary>Main and one renderer, each handing the moving end to the current run when it lands there.</summary>
    private sealed class Stage : IAsyncDisposable
    {
        private readonly Bridge bridge;
        private TestRenderer? renderer;
        private Run? current;

        private Stage(Bridge bridge) => this.bridge = bridge;

        public static async Task<Stage> CreateAsync(TransportKind transport)
        {
            var stage = new Stage(Bridge.Create(transport));
            stage.renderer = await stage.bridge.AddRendererAsync(null, (ipc, _) => ipc.On("take", (e, _) => Volatile.Read(ref stage.current)!.Arrived(e.Ports[0], inRenderer: true)));
            stage.bridge.IpcMain.On("port-back", (e, _) => Volatile.Read(ref stage.current)!.Arrived(e.Ports[0], inRenderer: false));
            return stage;
        }

        /// <summary>Plays one sequence on a fresh channel, closes as told, and checks what arrived against the model.</summary>
        public async Task PlayAsync(Op[] ops, int close)
        {
            var run = new Run();
            Volatile.Write(ref this.current, run);
            await run.PlayAsync(ops, this.renderer!);
            await run.CloseAndCheckAsync(close);
        }

        public ValueTask DisposeAsync() => this.bridge.DisposeAsync();
    }

    /// <summary>One sequence: a fresh channel, the model's two queues, and what each end received.</summary>
    private sealed class Run
    {
        private readonly MessageChannelMain channel = new();
        private readonly object gate = new();
        private readonly List<int> forth = new();
        private readonly List<int> back = new();
        private readonly TaskCompletionSource<bool> closedAtMain = Signal.Create<bool>();
        private TaskCompletionSource<bool> closedAtMover = Signal.Create<bool>();
        private TaskCompletionSource<(MessagePortMain Port, bool InRenderer)> arrival = Signal.Create<(MessagePortMain, bool)>();
        private int posted;
        private int postedBack;

        public Run()
        {
            this.channel.Port1.Message += (_, m) => this.Record(this.back, m.GetData<int>());
            this.channel.Port1.Closed += (_, _) => this.closedAtMain.TrySetResult(true);
            this.channel.Port1.Start();
            this.Arrived(this.channel.Port2, inRenderer: false);
        }

        /// <summary>Called wherever the moving end lands: it starts at once and records what it receives.</summary>
        public void Arrived(MessagePortMain port, bool inRenderer)
        {
            TaskCompletionSource<bool> closed = this.closedAtMover;
            port.Message += (_, m) => this.Record(this.forth, m.GetData<int>());
            port.Closed += (_, _) => closed.TrySetResult(true);
            port.Start();
            this.arrival.TrySetResult((port, inRenderer));
        }

        public async Task PlayAsync(Op[] ops, TestRenderer renderer)
        {
            foreach (Op op in ops)
            {
                switch (op)
                {
                    case Op.Post:
                        this.channel.Port1.PostMessage(this.posted++);
                        break;
                    case Op.PostBack:
                        (await this.MoverAsync()).Port.PostMessage(this.postedBack++);
                        break;
                    case Op.Move:
                        (MessagePortMain port, bool inRenderer) = await this.MoverAsync();
                        this.arrival = Signal.Create<(MessagePortMain, bool)>();
                        this.closedAtMover = Signal.Create<bool>();
                        if (inRenderer)
                        {
                            renderer.Ipc.PostMessage("port-back", null, new[] { port });
                        }
                        else
                        {
                            renderer.WebContents.PostMessage("take", null, new[] { port });
                        }

                        break;
                }
            }
        }

        /// <summary>Closes one end (0: main's, 1: the moving one, 2: neither), then compares what arrived with the model.</summary>
        public async Task CloseAndCheckAsync(int close)
        {
            MessagePortMain mover = (await this.MoverAsync()).Port;
            await this.WaitForAsync(() => this.forth.Count >= this.posted && this.back.Count >= this.postedBack);
            lock (this.gate)
            {
                this.forth.Should().Equal(Enumerable.Range(0, this.posted), "what main's end posted reaches the moving end once each, in order");
                this.back.Should().Equal(Enumerable.Range(0, this.postedBack), "what the moving end posted reaches main's end once each, in order");
            }

            switch (close)
            {
                case 0:
                    this.channel.Port1.Close();
                    await this.closedAtMover.Task.WithTimeout("Closed at the moving end");
                    break;
                case 1:
                    mover.Close();
                    await this.closedAtMain.Task.WithTimeout("Closed at main's end");
                    break;
                default:
                    this.channel.Port1.Close();
                    break;
            }
        }

        private async Task<(MessagePortMain Port, bool InRenderer)> MoverAsync() => await this.arrival.Task.WithTimeout("the moving port to arrive");

        private void Record(List<int> into, int value)
        {
            lock (this.gate)
            {
                into.Add(value);
            }
        }

        private async Task WaitForAsync(Func<bool> done)
        {
            // Polls the counts (no timed assertion: the deadline only turns a hang into a failure with the counts in it).
            DateTime deadline = DateTime.UtcNow + Signal.Timeout;
            while (true)
            {
                lock (this.gate)
                {
                    if (done())
                    {
                        return;
                    }

                    if (DateTime.UtcNow > deadline)
                    {
                        throw new TimeoutException($"Received {this.forth.Count} of {this.posted} forth and {this.back.Count} of {this.postedBack} back: [{string.Join(",", this.forth)}] / [{string.Join(",", this.back)}].");
                    }
                }

                await Task.Delay(5);
            }
        }
    }
}
