namespace IpcBridge.Samples.ConsoleHost;

/// <summary>Who prints a line of the transcript.</summary>
internal static class Party
{
    /// <summary>The main process: IpcMain listeners and handlers, the menu, window creation.</summary>
    public const string Main = "main";

    /// <summary>The visible renderer, mainWindow: its preload and its page code.</summary>
    public const string Renderer = "renderer";

    /// <summary>The hidden work endpoint, workWindow.</summary>
    public const string Work = "work";
}
