using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Threading;
using System.Threading.Tasks;

namespace IpcBridge.Contracts;

/// <summary>
/// The side that makes a contract's calls: <see cref="IpcRenderer"/> calling main, or <see cref="WebContents"/> calling a
/// renderer. Implemented over their public invoke primitives, so contract calls get the same allowlist checks, time
/// limits, cancellation and back-pressure as calls by channel name.
/// </summary>
internal interface IContractCaller
{
    /// <summary>Invokes <paramref name="channel"/> and reads its result as <typeparamref name="TResult"/>.</summary>
    [RequiresUnreferencedCode(ContractDescription.UnreferencedCodeMessage)]
    [RequiresDynamicCode(ContractDescription.DynamicCodeMessage)]
    Task<TResult> InvokeAsync<TResult>(string channel, object?[] args, CancellationToken cancellationToken);

    /// <summary>Invokes the stream handler of <paramref name="channel"/>; checks the allowlist at once.</summary>
    [RequiresUnreferencedCode(ContractDescription.UnreferencedCodeMessage)]
    [RequiresDynamicCode(ContractDescription.DynamicCodeMessage)]
    IAsyncEnumerable<TItem> InvokeStream<TItem>(string channel, object?[] args);
}
