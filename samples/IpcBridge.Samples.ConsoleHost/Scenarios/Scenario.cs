using System;
using System.Threading.Tasks;

namespace IpcBridge.Samples.ConsoleHost;

/// <summary>One scenario of the seed article: what to click, and which lines must then be printed.</summary>
/// <param name="Id">A short id, in the article's order.</param>
/// <param name="Title">What the scenario shows.</param>
/// <param name="RunAsync">Acts through page code or main's menu, then waits for the expected lines.</param>
internal sealed record Scenario(string Id, string Title, Func<ScenarioRun, Task> RunAsync);
