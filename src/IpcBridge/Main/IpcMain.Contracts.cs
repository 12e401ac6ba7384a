using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using IpcBridge.Contracts;

namespace IpcBridge;

/// <content>Contract interfaces: every method of an interface served as an invoke handler on its own channel.</content>
public sealed partial class IpcMain
{
    /// <summary>
    /// Serves every method of the contract interface <typeparamref name="TApi"/> with <paramref name="implementation"/>, for
    /// renderers' <see cref="IpcRenderer.GetContract{TApi}"/>. Each method is a handler on the channel
    /// <c>"{contract}.{method}"</c> (see <see cref="IpcContractAttribute"/> and <see cref="IpcMethodAttribute"/>); a renderer
    /// needs <see cref="IpcOperation.Invoke"/> on those channels (<see cref="ChannelAllowlist.AllowContract{TApi}()"/>).
    /// </summary>
    /// <remarks>
    /// Methods return <see cref="System.Threading.Tasks.Task"/>, <see cref="System.Threading.Tasks.ValueTask"/>,
    /// <see cref="System.Threading.Tasks.Task{TResult}"/>, <see cref="System.Threading.Tasks.ValueTask{TResult}"/> or
    /// <see cref="IAsyncEnumerable{T}"/> (served as a stream, with back-pressure). A <see cref="System.Threading.CancellationToken"/>
    /// parameter receives the call's token, which the caller's token, a time limit or the caller going away cancels. An
    /// exception the implementation throws reaches the caller as <see cref="IpcInvocationException"/> with its type name,
    /// message and stack.
    /// </remarks>
    /// <typeparam name="TApi">The contract interface.</typeparam>
    /// <param name="implementation">
    /// The implementation. Like any handler, a method starts on main's dispatch loop (a stream method on the thread pool)
    /// and continues on the thread pool after its first await, so calls may overlap: it must be thread-safe.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="implementation"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="TApi"/> cannot be a contract (the message names each offending method).</exception>
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

        this.HandleContract<TApi>(_ => implementation);
    }

    /// <summary>
    /// Serves every method of the contract interface <typeparamref name="TApi"/> with the implementation
    /// <paramref name="implementationFactory"/> gives for each call, for example one per sender
    /// (<see cref="IpcMainInvokeEvent.Sender"/>) or one checking who calls. Otherwise as <see cref="HandleContract{TApi}(TApi)"/>.
    /// </summary>
    /// <typeparam name="TApi">The contract interface.</typeparam>
    /// <param name="implementationFactory">Gives the implementation for a call, just before its method runs; its exception reaches the caller.</param>
    /// <exception cref="ArgumentNullException"><paramref name="implementationFactory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="TApi"/> cannot be a contract (the message names each offending method).</exception>
    /// <exception cref="InvalidOperationException">A handler is already registered for one of the contract's channels; none was registered.</exception>
    [RequiresUnreferencedCode(ContractDescription.UnreferencedCodeMessage)]
    [RequiresDynamicCode(ContractDescription.DynamicCodeMessage)]
    public void HandleContract<[DynamicallyAccessedMembers(ContractDescription.Members)] TApi>(Func<IpcMainInvokeEvent, TApi> implementationFactory)
        where TApi : class
    {
        if (implementationFactory is null)
        {
            throw new ArgumentNullException(nameof(implementationFactory));
        }

        ContractDescription contract = ContractDescription.For(typeof(TApi));
        foreach (ContractMethod method in contract.Methods)
        {
            if (this.HasHandler(method.Channel))
            {
                throw new InvalidOperationException($"Attempted to register a second handler for '{method.Channel}' (contract method '{method.DisplayName}'); no handler of '{contract.Name}' was registered.");
            }
        }

        var added = new List<string>(contract.Methods.Count);
        try
        {
            foreach (ContractMethod method in contract.Methods)
            {
                if (method.Shape.IsStream)
                {
                    this.HandleStream<object?>(method.Channel, (e, a) => method.InvokeStream(implementationFactory(e), a, e.CancellationToken));
                }
                else
                {
                    this.Handle<object?>(method.Channel, (e, a) => method.InvokeAsync(implementationFactory(e), a, e.CancellationToken));
                }

                added.Add(method.Channel);
            }
        }
        catch
        {
            // Lost a race with another registration: leave no half-served contract behind.
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
}
