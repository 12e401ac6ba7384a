using System;
using System.Collections.Generic;
using System.Linq;

namespace IpcBridge.Stress;

/// <summary>What one section measured, and which of its checks failed.</summary>
public sealed class StressResult
{
    public StressResult(string name) => this.Name = name;

    public string Name { get; }

    /// <summary>Gets the figures, in the order they were recorded.</summary>
    public Dictionary<string, string> Figures { get; } = new();

    public List<string> Failures { get; } = new();

    public void Fail(string what)
    {
        lock (this.Failures)
        {
            // A storm can fail the same way many times: keep the first few, count the rest.
            if (this.Failures.Count < 20)
            {
                this.Failures.Add(what);
            }
            else if (this.Failures.Count == 20)
            {
                this.Failures.Add("(further failures not listed)");
            }
        }
    }

    public void Check(bool condition, string what)
    {
        if (!condition)
        {
            this.Fail(what);
        }
    }

    public void Print()
    {
        foreach (KeyValuePair<string, string> figure in this.Figures)
        {
            Console.WriteLine($"  {figure.Key,-34} {figure.Value}");
        }

        foreach (string failure in this.Failures.Take(21))
        {
            Console.WriteLine($"  FAILED: {failure}");
        }
    }
}
