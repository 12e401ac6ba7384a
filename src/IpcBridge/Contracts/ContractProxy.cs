using System;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace IpcBridge.Contracts;

/// <summary>
/// The client of a contract (<see cref="IpcRenderer.GetContract{TApi}"/>, <see cref="WebContents.GetContract{TApi}"/>):
/// each interface call becomes an invoke on the method's channel, its <see cref="System.Threading.CancellationToken"/>
/// parameter becoming the call's token.
/// </summary>
internal class ContractProxy : DispatchProxy
{
    private ContractDescription contract = null!;
    private IContractCaller caller = null!;

    /// <summary>Used by <see cref="DispatchProxy"/>; proxies are made by <see cref="Create{TApi}"/>.</summary>
    public ContractProxy()
    {
    }

    /// <summary>Makes a client of <typeparamref name="TApi"/> whose calls <paramref name="caller"/> makes.</summary>
    [RequiresUnreferencedCode(ContractDescription.UnreferencedCodeMessage)]
    [RequiresDynamicCode(ContractDescription.DynamicCodeMessage)]
    public static TApi Create<[DynamicallyAccessedMembers(ContractDescription.Members)] TApi>(IContractCaller caller)
        where TApi : class
    {
        ContractDescription contract = ContractDescription.For(typeof(TApi));
        TApi proxy = Create<TApi, ContractProxy>();
        var self = (ContractProxy)(object)proxy;
        self.contract = contract;
        self.caller = caller;
        return proxy;
    }

    /// <summary>Makes the call for one interface method.</summary>
    /// <param name="targetMethod">The interface method called.</param>
    /// <param name="args">Its arguments.</param>
    /// <returns>The task or sequence the method declares.</returns>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "A proxy is made only by Create, which carries RequiresUnreferencedCode.")]
    [UnconditionalSuppressMessage("AotAnalysis", "IL3050", Justification = "A proxy is made only by Create, which carries RequiresDynamicCode.")]
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod is null)
        {
            throw new ArgumentNullException(nameof(targetMethod));
        }

        return this.contract.Find(targetMethod).Call(this.caller, args);
    }

    /// <inheritdoc />
    public override string ToString() => $"IPC contract client of {this.contract.Interface.Name}";
}
