using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Contracts;

namespace IpcBridge;

/// <content>Contract interfaces: a client of a contract the endpoint serves.</content>
public sealed partial class WebContents
{
    /// <summary>
    /// Gets a client of the contract <typeparamref name="TApi"/> that this endpoint serves with
    /// <see cref="IpcRenderer.HandleContract{TApi}(TApi)"/>: each method call invokes the method's channel
    /// (<c>"{contract}.{method}"</c>) as <see cref="InvokeAsync{TResult}(string, object?[], CancellationToken)"/> would,
    /// always bounded by <see cref="IpcBridgeOptions.MainInvokeTimeout"/> (or the channel's limit in
    /// <see cref="IpcBridgeOptions.ChannelTimeouts"/>), and a method returning <see cref="IAsyncEnumerable{T}"/> reads a
    /// stream as <see cref="InvokeStream{TItem}(string, object?[])"/> does.
    /// </summary>
    /// <remarks>
    /// A <see cref="CancellationToken"/> parameter is not sent: it cancels the call and the token the endpoint's
    /// implementation receives in its place. The endpoint's allowlist must grant <see cref="IpcOperation.Handle"/> on the
    /// contract's channels (<see cref="ChannelAllowlist.AllowContract{TApi}(IpcOperation)"/>), or calls fail with
    /// <see cref="IpcAccessDeniedException"/>. The client is thread-safe.
    /// </remarks>
    /// <typeparam name="TApi">The contract interface.</typeparam>
    /// <returns>The client.</returns>
    /// <exception cref="System.ArgumentException"><typeparamref name="TApi"/> cannot be a contract (the message names each offending method).</exception>
    [RequiresUnreferencedCode(ContractDescription.UnreferencedCodeMessage)]
    [RequiresDynamicCode(ContractDescription.DynamicCodeMessage)]
    public TApi GetContract<[DynamicallyAccessedMembers(ContractDescription.Members)] TApi>()
        where TApi : class
        => ContractProxy.Create<TApi>(new ContractCaller(this));

    /// <summary>Makes a contract's calls to the endpoint through main's public invoke primitives.</summary>
    private sealed class ContractCaller : IContractCaller
    {
        private readonly WebContents webContents;

        public ContractCaller(WebContents webContents) => this.webContents = webContents;

        [RequiresUnreferencedCode(ContractDescription.UnreferencedCodeMessage)]
        [RequiresDynamicCode(ContractDescription.DynamicCodeMessage)]
        public Task<TResult> InvokeAsync<TResult>(string channel, object?[] args, CancellationToken cancellationToken)
            => this.webContents.InvokeAsync<TResult>(channel, args, cancellationToken);

        [RequiresUnreferencedCode(ContractDescription.UnreferencedCodeMessage)]
        [RequiresDynamicCode(ContractDescription.DynamicCodeMessage)]
        public IAsyncEnumerable<TItem> InvokeStream<TItem>(string channel, object?[] args)
            => this.webContents.InvokeStream<TItem>(channel, args);
    }
}
