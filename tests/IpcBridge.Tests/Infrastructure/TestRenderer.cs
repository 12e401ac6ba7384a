using System;
using System.Threading.Tasks;

namespace IpcBridge.Tests.Infrastructure;

/// <summary>A renderer under test: main's handle, the preload's IpcRenderer, and page code's world.</summary>
public sealed class TestRenderer : IAsyncDisposable
{
    private readonly Func<ValueTask> dispose;

    public TestRenderer(WebContents webContents, IpcRenderer ipc, MainWorld mainWorld, Func<ValueTask> dispose)
    {
        this.WebContents = webContents;
        this.Ipc = ipc;
        this.MainWorld = mainWorld;
        this.dispose = dispose;
    }

    public WebContents WebContents { get; }

    public IpcRenderer Ipc { get; }

    public MainWorld MainWorld { get; }

    public ValueTask DisposeAsync() => this.dispose();
}
