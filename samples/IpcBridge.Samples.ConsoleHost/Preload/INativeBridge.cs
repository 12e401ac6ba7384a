using System;
using System.Threading.Tasks;

namespace IpcBridge.Samples.ConsoleHost;

/// <summary>
/// The API the renderer's preload exposes to page code as <c>nativeBridge</c> (the article's
/// <c>window.nativeBridge</c>). Page code holds only this interface; every value crossing it is copied.
/// </summary>
internal interface INativeBridge
{
    /// <summary>Asks main to open <paramref name="url"/> in the default browser (one way).</summary>
    /// <param name="url">The URL.</param>
    void OpenUrlByDefaultBrowser(string url);

    /// <summary>Sends <paramref name="msg"/> to main, which answers on <c>communicateWithEachOtherReply</c>.</summary>
    /// <param name="msg">The message.</param>
    void CommunicateWithEachOtherSendMsg(string msg);

    /// <summary>Sends <paramref name="msg"/> to main and blocks until main sets the return value.</summary>
    /// <param name="msg">The message.</param>
    /// <returns>Main's answer.</returns>
    string CommunicateWithEachOtherSendMsgSendSync(string msg);

    /// <summary>Invokes main's handler with <paramref name="msg"/>.</summary>
    /// <param name="msg">The message.</param>
    /// <returns>Main's answer.</returns>
    Task<string> CommunicateWithEachOtherSendMsgPromiseAsync(string msg);

    /// <summary>Calls <paramref name="callback"/> with the increment each time main sends <c>update-counter</c>.</summary>
    /// <param name="callback">The page's callback.</param>
    void OnUpdateCounterByMain(Action<int> callback);

    /// <summary>Sends <paramref name="msg"/> to the work endpoint, through main.</summary>
    /// <param name="msg">The message.</param>
    void RenderSendMsgToWork(string msg);

    /// <summary>Posts <paramref name="msg"/> straight to the work endpoint over the MessagePort main handed out.</summary>
    /// <param name="msg">The message.</param>
    void RenderSendMsgToWorkByMessagePort(string msg);
}
