using System;
using System.Threading.Tasks;

namespace IpcBridge.Tests;

public class SmokeTests
{
    [Fact]
    public async Task Invoke_RoundTrips()
    {
        await using var main = new MainProcess();
        main.IpcMain.Handle<string, string>("echo", (e, s) => Task.FromResult("I got " + s));
        IpcRenderer? ipc = null;
        await using RendererEndpoint r = await main.CreateWindowAsync(new RendererOptions
        {
            Allowlist = ChannelAllowlist.AllowAll(),
            Preload = (i, b) => ipc = i,
        });
        string result = await ipc!.InvokeAsync<string>("echo", "x").WaitAsync(TimeSpan.FromSeconds(10));
        result.Should().Be("I got x");
    }
}
