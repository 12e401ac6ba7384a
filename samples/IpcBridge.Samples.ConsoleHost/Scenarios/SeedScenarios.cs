using System.Collections.Generic;

namespace IpcBridge.Samples.ConsoleHost;

/// <summary>
/// Every scenario of the seed article, in its order, with its channels and messages. Each one acts only through page
/// code (which holds <see cref="INativeBridge"/>) or main's own objects, and checks the lines the endpoints print.
/// </summary>
internal static class SeedScenarios
{
    public static IReadOnlyList<Scenario> Create(RendererPage page, AppMenu menu, AppWindows windows) =>
    [
        new("a", "one way, renderer -> main: openUrlByDefaultBrowser", async run =>
        {
            page.OpenUrlByDefaultBrowser();
            await run.ExpectAsync(Party.Main, "openUrlByDefaultBrowser from mainWindow: https://www.baidu.com");

            // Opened, skipped without --open, or failed where there is no browser: any outcome shows main acted.
            await run.ExpectStartingWithAsync(Party.Main, "shell.openExternal(\"https://www.baidu.com\"): ");
        }),

        new("b", "two way, renderer -> main -> renderer: communicateWithEachOtherSend, communicateWithEachOtherReply", async run =>
        {
            page.CommunicateWithEachOtherSendMsg();
            await run.ExpectAsync(Party.Renderer, "communicateWithEachOtherReply: I got Hello, ok");
        }),

        new("c", "sync, renderer -> main: communicateWithEachOtherSendSync", async run =>
        {
            page.CommunicateWithEachOtherSendMsgSendSync();
            await run.ExpectAsync(Party.Renderer, "returned: I got Hello sync, ok");
        }),

        new("d", "promise, renderer -> main: communicateWithEachOtherSendPromise", async run =>
        {
            await page.CommunicateWithEachOtherSendMsgPromiseAsync();
            await run.ExpectAsync(Party.Renderer, "resolved: I got Hello Promise, ok");
        }),

        new("e", "main -> renderer: update-counter, from the IncrementNumber menu item", async run =>
        {
            menu.ClickIncrementNumber();
            await run.ExpectAsync(Party.Renderer, "update-counter 1: count 0 -> 1");
            menu.ClickIncrementNumberInAllWindows();
            await run.ExpectAsync(Party.Renderer, "update-counter 1: count 1 -> 2");
        }),

        new("f", "renderer -> work, forwarded by main: renderSendMsgToWork, msgFormRender", async run =>
        {
            page.SendMsgToWork();
            await run.ExpectAsync(Party.Work, "msgFormRender: I am render");
        }),

        new("g", "renderer <-> work over a MessagePort, without main's listeners: port", async run =>
        {
            windows.ConnectByMessagePort();
            await run.ExpectAsync(Party.Renderer, "port: received a MessagePort");
            page.SendMsgToWorkByMessagePort();
            await run.ExpectAsync(Party.Work, "electronMessagePort.onmessage work: I am render, sendMsgToWorkByMessagePort");
            await run.ExpectAsync(Party.Renderer, "electronMessagePort.onmessage render: I am work, sendMsgToRenderByMessagePort");
        }),
    ];
}
