using System;
using BenchmarkDotNet.Running;
using IpcBridge.Benchmarks.Bridges;
using IpcBridge.Benchmarks.Compare;
using IpcBridge.Benchmarks.Floors;
using IpcBridge.Benchmarks.Peers;
using IpcBridge.Benchmarks.Processes;

// compare [--quick] [--filter text]   paired side-by-side runs, one line per figure (see docs/benchmarks.md)
// child-...                          a child process of a comparison (ChildRoles)
// anything else                      BenchmarkDotNet, e.g. --filter '*InProcess*' --job short
return args.Length > 0 && args[0] == "compare" ? await CompareCommand.RunAsync(args[1..], Console.Out)
    : args.Length > 1 && args[0] == ChildRoles.SocketEcho ? await SocketEchoChild.RunAsync(args[1], blocking: args.Length > 2 && args[2] == SocketEchoChild.BlockingOption)
    : args.Length > 1 && args[0] == ChildRoles.JsonRpc ? await JsonRpcChild.RunAsync(args[1])
    : args.Length > 0 && args[0] == ChildRoles.Renderer ? await RendererChild.RunAsync()
    : RunBenchmarks(args);

static int RunBenchmarks(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(ChildRoles).Assembly).Run(args);
    return 0;
}
