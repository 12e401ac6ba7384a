namespace IpcBridge.Benchmarks.Compare;

/// <summary>One line of the comparison: IpcBridge's series against a floor or peer measured beside it.</summary>
public sealed class Figure
{
    public Figure(string name, Series subject, Series? reference, Target target)
    {
        this.Name = name;
        this.Subject = subject;
        this.Reference = reference;
        this.Target = target;
    }

    public string Name { get; }

    /// <summary>Gets IpcBridge's series.</summary>
    public Series Subject { get; }

    /// <summary>Gets the floor or peer, or <see langword="null"/> for an absolute target.</summary>
    public Series? Reference { get; }

    public Target Target { get; }
}
