using System.Diagnostics.CodeAnalysis;
using IpcBridge.Contracts;

namespace IpcBridge;

/// <content>Contract interfaces: a contract's methods as the channels a list permits.</content>
public sealed partial class ChannelAllowlist
{
    /// <summary>
    /// Returns a new list that also permits <see cref="IpcOperation.Invoke"/> on exactly the channels of the contract
    /// <typeparamref name="TApi"/>'s methods, so a renderer may use <see cref="IpcRenderer.GetContract{TApi}"/> against
    /// main's <see cref="IpcMain.HandleContract{TApi}(TApi)"/> and nothing else through it.
    /// </summary>
    /// <typeparam name="TApi">The contract interface.</typeparam>
    /// <returns>A new list.</returns>
    /// <exception cref="System.ArgumentException"><typeparamref name="TApi"/> cannot be a contract (the message names each offending method).</exception>
    [RequiresUnreferencedCode(ContractDescription.UnreferencedCodeMessage)]
    [RequiresDynamicCode(ContractDescription.DynamicCodeMessage)]
    public ChannelAllowlist AllowContract<[DynamicallyAccessedMembers(ContractDescription.Members)] TApi>()
        where TApi : class
        => this.AllowContract<TApi>(IpcOperation.Invoke);

    /// <summary>
    /// Returns a new list that also permits <paramref name="operations"/> on exactly the channels of the contract
    /// <typeparamref name="TApi"/>'s methods: <see cref="IpcOperation.Invoke"/> for a contract main serves,
    /// <see cref="IpcOperation.Handle"/> for one the renderer serves to main (<see cref="IpcRenderer.HandleContract{TApi}(TApi)"/>).
    /// </summary>
    /// <typeparam name="TApi">The contract interface.</typeparam>
    /// <param name="operations">The operations to permit.</param>
    /// <returns>A new list.</returns>
    /// <exception cref="System.ArgumentException"><typeparamref name="TApi"/> cannot be a contract (the message names each offending method).</exception>
    [RequiresUnreferencedCode(ContractDescription.UnreferencedCodeMessage)]
    [RequiresDynamicCode(ContractDescription.DynamicCodeMessage)]
    public ChannelAllowlist AllowContract<[DynamicallyAccessedMembers(ContractDescription.Members)] TApi>(IpcOperation operations)
        where TApi : class
        => this.Allow(operations, ContractDescription.For(typeof(TApi)).Channels);
}
