using System.Collections.Generic;

namespace IpcBridge.Samples.ConsoleHost;

/// <summary>
/// Every scenario of the seed article, in its order, with its channels and messages. Each one acts only by clicking the
/// renderer page's buttons (page code holds only <see cref="INativeBridge"/>) or through main's own objects, and checks
/// the lines the endpoints print. The same scenarios run whether the endpoints live in main's process or in their own.
/// </summary>
internal static class SeedScenarios
{
    public static IReadOnlyList<Scenario> Create(IPageButtons page, AppMenu menu, AppWindows windows) =>
    [
        new("a", "one way, renderer -> main: openUrlByDefaultBrowser", async run =>
        {
            await page.ClickAsync(PageButton.OpenUrlByDefaultBrowser);
            await run.ExpectAsync(Party.Main, "openUrlByDefaultBrowser from mainWindow: https://www.baidu.com");

            // Opened, skipped without --open, or failed where there is no browser: any outcome shows main acted.
            await run.ExpectStartingWithAsync(Party.Main, "shell.openExternal(\"https://www.baidu.com\"): ");
        }),

        new("b", "two way, renderer -> main -> renderer: communicateWithEachOtherSend, communicateWithEachOtherReply", async run =>
        {
            await page.ClickAsync(PageButton.CommunicateWithEachOtherSendMsg);
            await run.ExpectAsync(Party.Renderer, "communicateWithEachOtherReply: I got Hello, ok");
        }),

        new("c", "sync, renderer -> main: communicateWithEachOtherSendSync", async run =>
        {
            await page.ClickAsync(PageButton.CommunicateWithEachOtherSendMsgSendSync);
            await run.ExpectAsync(Party.Renderer, "returned: I got Hello sync, ok");
        }),

        new("d", "promise, renderer -> main: communicateWithEachOtherSendPromise", async run =>
        {
            await page.ClickAsync(PageButton.CommunicateWithEachOtherSendMsgPromise);
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
            await page.ClickAsync(PageButton.SendMsgToWork);
            await run.ExpectAsync(Party.Work, "msgFormRender: I am render");
        }),

        new("g", "renderer <-> work over a MessagePort, without main's listeners: port", async run =>
        {
            windows.ConnectByMessagePort();
            await run.ExpectAsync(Party.Renderer, "port: received a MessagePort");
            await page.ClickAsync(PageButton.SendMsgToWorkByMessagePort);
            await run.ExpectAsync(Party.Work, "electronMessagePort.onmessage work: I am render, sendMsgToWorkByMessagePort");
            await run.ExpectAsync(Party.Renderer, "electronMessagePort.onmessage render: I am work, sendMsgToRenderByMessagePort");
        }),
    ];
}
