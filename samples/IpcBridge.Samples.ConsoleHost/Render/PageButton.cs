namespace IpcBridge.Samples.ConsoleHost;

/// <summary>The buttons of the renderer's page, named after the article's click handlers in <c>src/render/App.tsx</c>.</summary>
internal static class PageButton
{
    public const string OpenUrlByDefaultBrowser = "openUrlByDefaultBrowser";

    public const string CommunicateWithEachOtherSendMsg = "communicateWithEachOtherSendMsg";

    public const string CommunicateWithEachOtherSendMsgSendSync = "communicateWithEachOtherSendMsgSendSync";

    public const string CommunicateWithEachOtherSendMsgPromise = "communicateWithEachOtherSendMsgPromise";

    public const string SendMsgToWork = "sendMsgToWork";

    public const string SendMsgToWorkByMessagePort = "sendMsgToWorkByMessagePort";
}
