using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Contracts;

namespace IpcBridge;

/// <content>Contract interfaces: a client of main's contracts, and contracts served to main.</content>
public sealed partial class IpcRenderer
{
    /// <summary>
    /// Gets a client of the contract <typeparamref name="TApi"/> that main serves with <see cref="IpcMain.HandleContract{TApi}(TApi)"/>:
    /// each method call invokes the method's channel (<c>"{contract}.{method}"</c>) as
    /// <see cref="InvokeAsync{TResult}(string, object?[], CancellationToken)"/> would, and a method returning
    /// <see cref="IAsyncEnumerable{T}"/> reads a stream as <see cref="InvokeStream{TItem}(string, object?[])"/> does.
    /// </summary>
    /// <remarks>
    /// A <see cref="CancellationToken"/> parameter is not sent: it cancels the call, and with it the token main's
    /// implementation receives in its place. Every call is checked against <see cref="Allowlist"/> (grant the contract with
    /// <see cref="ChannelAllowlist.AllowContract{TApi}()"/>); a denied call fails with <see cref="IpcAccessDeniedException"/>,
    /// and failures are those of <see cref="InvokeAsync{TResult}(string, object?[], CancellationToken)"/>. The client is
    /// thread-safe and may be exposed to page code through <see cref="ContextBridge.ExposeInMainWorld{TApi}(string, TApi)"/>.
    /// </remarks>
    /// <typeparam name="TApi">The contract interface.</typeparam>
    /// <returns>The client.</returns>
    /// <exception cref="ArgumentException"><typeparamref name="TApi"/> cannot be a contract (the message names each offending method).</exception>
    [RequiresUnreferencedCode(ContractDescription.UnreferencedCodeMessage)]
    [RequiresDynamicCode(ContractDescription.DynamicCodeMessage)]
    public TApi GetContract<[DynamicallyAccessedMembers(ContractDescription.Members)] TApi>()
        where TApi : class
        => ContractProxy.Create<TApi>(new ContractCaller(this));

    /// <summary>
    /// Serves every method of the contract <typeparamref name="TApi"/> with <paramref name="implementation"/>, for main's
    /// <see cref="WebContents.GetContract{TApi}"/>. Each method is a handler on its channel (<c>"{contract}.{method}"</c>),
    /// which the allowlist must let this endpoint handle (<see cref="ChannelAllowlist.AllowContract{TApi}(IpcOperation)"/> with
    /// <see cref="IpcOperation.Handle"/>). Return types, tokens and exceptions behave as in <see cref="IpcMain.HandleContract{TApi}(TApi)"/>.
    /// </summary>
    /// <typeparam name="TApi">The contract interface.</typeparam>
    /// <param name="implementation">The implementation; calls may overlap, so it must be thread-safe.</param>
    /// <exception cref="ArgumentNullException"><paramref name="implementation"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="TApi"/> cannot be a contract (the message names each offending method).</exception>
    /// <exception cref="IpcAccessDeniedException">The allowlist does not permit handling one of the contract's channels; none was registered.</exception>
    /// <exception cref="InvalidOperationException">A handler is already registered for one of the contract's channels; none was registered.</exception>
    [RequiresUnreferencedCode(ContractDescription.UnreferencedCodeMessage)]
    [RequiresDynamicCode(ContractDescription.DynamicCodeMessage)]
    public void HandleContract<[DynamicallyAccessedMembers(ContractDescription.Members)] TApi>(TApi implementation)
        where TApi : class
    {
        if (implementation is null)
        {
            throw new ArgumentNullException(nameof(implementation));
        }

        ContractDescription contract = ContractDescription.For(typeof(TApi));
        foreach (ContractMethod method in contract.Methods)
        {
            this.Check(IpcOperation.Handle, method.Channel);
        }

        var added = new List<string>(contract.Methods.Count);
        try
        {
            foreach (ContractMethod method in contract.Methods)
            {
                if (method.Shape.IsStream)
                {
                    this.HandleStream<object?>(method.Channel, (e, a) => method.InvokeStream(implementation, a, e.CancellationToken));
                }
                else
                {
                    this.Handle<object?>(method.Channel, (e, a) => method.InvokeAsync(implementation, a, e.CancellationToken));
                }

                added.Add(method.Channel);
            }
        }
        catch
        {
            // A channel was taken: leave no half-served contract behind.
            foreach (string channel in added)
            {
                this.RemoveHandler(channel);
            }

            throw;
        }
    }

    /// <summary>Removes the handlers of every method of the contract <typeparamref name="TApi"/>, if registered.</summary>
    /// <typeparam name="TApi">The contract interface.</typeparam>
    /// <exception cref="ArgumentException"><typeparamref name="TApi"/> cannot be a contract.</exception>
    [RequiresUnreferencedCode(ContractDescription.UnreferencedCodeMessage)]
    [RequiresDynamicCode(ContractDescription.DynamicCodeMessage)]
    public void RemoveContract<[DynamicallyAccessedMembers(ContractDescription.Members)] TApi>()
        where TApi : class
    {
        foreach (ContractMethod method in ContractDescription.For(typeof(TApi)).Methods)
        {
            this.RemoveHandler(method.Channel);
        }
    }

    /// <summary>Makes a contract's calls to main through this endpoint's public invoke primitives.</summary>
    private sealed class ContractCaller : IContractCaller
    {
        private readonly IpcRenderer ipc;

        public ContractCaller(IpcRenderer ipc) => this.ipc = ipc;

        [RequiresUnreferencedCode(ContractDescription.UnreferencedCodeMessage)]
        [RequiresDynamicCode(ContractDescription.DynamicCodeMessage)]
        public Task<TResult> InvokeAsync<TResult>(string channel, object?[] args, CancellationToken cancellationToken)
            => this.ipc.InvokeAsync<TResult>(channel, args, cancellationToken);

        [RequiresUnreferencedCode(ContractDescription.UnreferencedCodeMessage)]
        [RequiresDynamicCode(ContractDescription.DynamicCodeMessage)]
        public IAsyncEnumerable<TItem> InvokeStream<TItem>(string channel, object?[] args)
            => this.ipc.InvokeStream<TItem>(channel, args);
    }
}
