using System;

namespace IpcBridge;

/// <summary>
/// Names an IPC contract interface. A contract method's channel is <c>"{contract name}.{method name}"</c>; without this
/// attribute the contract name is the interface's name (<c>IFiles</c>), and with <c>[IpcContract("files")]</c> the
/// method <c>ReadAsync</c> is served on <c>"files.ReadAsync"</c>.
/// </summary>
/// <remarks>
/// Channel names are what both sides and the <see cref="ChannelAllowlist"/> agree on, so renaming an interface without
/// this attribute changes its channels. See <see cref="IpcMain.HandleContract{TApi}(TApi)"/> and
/// <see cref="IpcRenderer.GetContract{TApi}"/>.
/// </remarks>
[AttributeUsage(AttributeTargets.Interface, AllowMultiple = false, Inherited = false)]
public sealed class IpcContractAttribute : Attribute
{
    /// <summary>Initializes a new instance of the <see cref="IpcContractAttribute"/> class.</summary>
    /// <param name="name">The contract name: the prefix of every method's channel. It must not be empty or contain <c>*</c>.</param>
    public IpcContractAttribute(string name) => this.Name = name;

    /// <summary>Gets the contract name.</summary>
    public string Name { get; }
}
