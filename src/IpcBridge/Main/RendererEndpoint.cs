using System;
using System.Threading.Tasks;
using IpcBridge.Renderer;

namespace IpcBridge;

/// <summary>
/// A renderer or work endpoint that main created in its own process: main's <see cref="WebContents"/> for it, and the
/// <see cref="MainWorld"/> its page code uses. Page code gets only <see cref="MainWorld"/>; the renderer's
/// <see cref="IpcRenderer"/> stays with its preload.
/// </summary>
public sealed class RendererEndpoint : IAsyncDisposable
{
    private readonly RendererRuntime runtime;

    internal RendererEndpoint(WebContents webContents, RendererRuntime runtime)
    {
        this.WebContents = webContents;
        this.runtime = runtime;
    }

    /// <summary>Gets main's handle to this endpoint.</summary>
    public WebContents WebContents { get; }

    /// <summary>Gets what page code sees: the APIs preload exposed.</summary>
    public MainWorld MainWorld => this.runtime.MainWorld;

    /// <summary>Gets the endpoint's kind.</summary>
    public EndpointKind Kind => this.WebContents.Kind;

    /// <summary>Gets the endpoint's id.</summary>
    public int Id => this.WebContents.Id;

    /// <summary>Destroys the endpoint: its link closes, its pending calls fail, main raises <see cref="WebContents.Destroyed"/>. Idempotent.</summary>
    /// <returns>A task that completes when the endpoint's dispatch loop has finished.</returns>
    public ValueTask DisposeAsync() => this.runtime.DisposeAsync();
}
