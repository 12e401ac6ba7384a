namespace IpcBridge.Samples.ConsoleHost;

/// <summary>One party's <c>console.log</c>: main's, the renderer's, or the work endpoint's.</summary>
internal sealed class EndpointConsole
{
    private readonly Transcript transcript;
    private readonly string party;

    public EndpointConsole(Transcript transcript, string party)
    {
        this.transcript = transcript;
        this.party = party;
    }

    /// <summary>Prints a line.</summary>
    /// <param name="text">The line.</param>
    public void Log(string text) => this.transcript.Write(this.party, text);
}
