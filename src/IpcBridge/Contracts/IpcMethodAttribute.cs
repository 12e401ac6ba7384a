using System;

namespace IpcBridge;

/// <summary>
/// Names a method of an IPC contract interface on the wire: its channel becomes <c>"{contract name}.{name}"</c> instead
/// of <c>"{contract name}.{method name}"</c>. Use it to give overloads distinct channels, or to keep a channel stable
/// when a method is renamed.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class IpcMethodAttribute : Attribute
{
    /// <summary>Initializes a new instance of the <see cref="IpcMethodAttribute"/> class.</summary>
    /// <param name="name">The method's name on the wire. It must not be empty or contain <c>*</c>.</param>
    public IpcMethodAttribute(string name) => this.Name = name;

    /// <summary>Gets the method's name on the wire.</summary>
    public string Name { get; }
}
