using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Contracts;

public sealed record Note(string Title, int Stars);

/// <summary>A contract with every return shape, a renamed method and token parameters.</summary>
[IpcContract("files")]
public interface IFiles
{
    Task<string> ReadAsync(string path);

    ValueTask<int> LengthAsync(string text);

    Task WriteAsync(string path, string text);

    ValueTask TouchAsync(string path);

    Task<Note> StarAsync(Note note);

    [IpcMethod("sum")]
    Task<int> AddAsync(int a, int b);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1068", Justification = "A token between other parameters must be left out of the wire arguments too.")]
    Task<string> JoinAsync(string first, CancellationToken cancellationToken, string second);

    Task<string> WaitAsync(CancellationToken cancellationToken);

    Task FailAsync(string message);

    Task<int> FailAtOnceAsync();

    IAsyncEnumerable<int> CountAsync(int count);

    IAsyncEnumerable<string> EndlessAsync(CancellationToken cancellationToken);
}

/// <summary>A contract without attributes, named after the interface.</summary>
public interface IPlain
{
    Task<string> PingAsync();
}

/// <summary>A contract inheriting methods: both interfaces' methods are served under the derived contract's name.</summary>
[IpcContract("derived")]
public interface IDerived : IPlain
{
    Task<int> TwiceAsync(int value);
}

/// <summary>A contract whose answer depends on who calls.</summary>
public interface IWho
{
    Task<int> CallerIdAsync();
}

/// <summary>Records what the implementation saw, with signals a test can await.</summary>
public sealed class Files : IFiles, IDerived
{
    private readonly Dictionary<string, string> written = new();

    public TaskCompletionSource<bool> WaitStarted { get; } = Signal.Create<bool>();

    public TaskCompletionSource<bool> WaitCancelled { get; } = Signal.Create<bool>();

    public TaskCompletionSource<bool> EndlessStopped { get; } = Signal.Create<bool>();

    public TaskCompletionSource<bool> EndlessTokenCancelled { get; } = Signal.Create<bool>();

    public List<string> Touched { get; } = new();

    public Task<string> ReadAsync(string path)
    {
        lock (this.written)
        {
            return Task.FromResult(this.written.TryGetValue(path, out string? text) ? text : $"contents of {path}");
        }
    }

    public ValueTask<int> LengthAsync(string text) => new(text.Length);

    public async Task WriteAsync(string path, string text)
    {
        await Task.Yield();
        lock (this.written)
        {
            this.written[path] = text;
        }
    }

    public ValueTask TouchAsync(string path)
    {
        lock (this.Touched)
        {
            this.Touched.Add(path);
        }

        return default;
    }

    public Task<Note> StarAsync(Note note) => Task.FromResult(note with { Stars = note.Stars + 1 });

    public Task<int> AddAsync(int a, int b) => Task.FromResult(a + b);

    public Task<string> JoinAsync(string first, CancellationToken cancellationToken, string second)
        => Task.FromResult($"{first}+{second} (cancellable: {cancellationToken.CanBeCanceled})");

    public async Task<string> WaitAsync(CancellationToken cancellationToken)
    {
        this.WaitStarted.TrySetResult(true);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }
        finally
        {
            this.WaitCancelled.TrySetResult(cancellationToken.IsCancellationRequested);
        }

        return "never";
    }

    public async Task FailAsync(string message)
    {
        await Task.Yield();
        throw new FormatException(message);
    }

    public Task<int> FailAtOnceAsync() => throw new ArgumentOutOfRangeException("value", "thrown before any task existed");

    public async IAsyncEnumerable<int> CountAsync(int count)
    {
        for (int i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return i;
        }
    }

    public async IAsyncEnumerable<string> EndlessAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            for (int i = 0; ; i++)
            {
                yield return $"item {i}";
                await Task.Yield();
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            this.EndlessTokenCancelled.TrySetResult(cancellationToken.IsCancellationRequested);
            this.EndlessStopped.TrySetResult(true);
        }
    }

    public Task<string> PingAsync() => Task.FromResult("pong");

    public Task<int> TwiceAsync(int value) => Task.FromResult(value * 2);
}
