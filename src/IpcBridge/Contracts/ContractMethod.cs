using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace IpcBridge.Contracts;

/// <summary>
/// One method of a contract: its channel, which of its parameters travel (all but a <see cref="CancellationToken"/>),
/// and its <see cref="ReturnShape"/>. Used by both sides: the caller turns a call into the wire arguments, the
/// implementing side turns the wire arguments back into a call of the implementation.
/// </summary>
internal sealed class ContractMethod
{
    private readonly Type[] parameterTypes;
    private readonly int tokenIndex;

    public ContractMethod(MethodInfo method, string channel, Type[] parameterTypes, int tokenIndex, ReturnShape shape)
    {
        this.Method = method;
        this.Channel = channel;
        this.parameterTypes = parameterTypes;
        this.tokenIndex = tokenIndex;
        this.Shape = shape;
    }

    /// <summary>Gets the interface method.</summary>
    public MethodInfo Method { get; }

    /// <summary>Gets the channel the method is served on.</summary>
    public string Channel { get; }

    /// <summary>Gets what the method returns.</summary>
    public ReturnShape Shape { get; }

    /// <summary>Gets the method's name for messages, as <c>IFiles.ReadAsync</c>.</summary>
    public string DisplayName => Describe(this.Method);

    /// <summary>Formats a method for messages, as <c>IFiles.ReadAsync</c>.</summary>
    public static string Describe(MethodInfo method) => $"{method.DeclaringType?.Name}.{method.Name}";

    /// <summary>Calling side: makes the call for the proxy's <paramref name="args"/>.</summary>
    [RequiresUnreferencedCode(ContractDescription.UnreferencedCodeMessage)]
    [RequiresDynamicCode(ContractDescription.DynamicCodeMessage)]
    public object Call(IContractCaller caller, object?[]? args)
    {
        int count = this.parameterTypes.Length;
        CancellationToken token = default;
        object?[] wire = new object?[this.tokenIndex < 0 ? count : count - 1];
        for (int i = 0, w = 0; i < count; i++)
        {
            object? value = args is not null && i < args.Length ? args[i] : null;
            if (i == this.tokenIndex)
            {
                token = value is CancellationToken given ? given : default;
            }
            else
            {
                wire[w++] = value;
            }
        }

        return this.Shape.Call(caller, this.Channel, wire, token);
    }

    /// <summary>Implementing side: runs a non-stream method of <paramref name="implementation"/> and awaits its result.</summary>
    [RequiresUnreferencedCode(ContractDescription.UnreferencedCodeMessage)]
    [RequiresDynamicCode(ContractDescription.DynamicCodeMessage)]
    public Task<object?> InvokeAsync(object implementation, IpcArgs args, CancellationToken cancellationToken)
        => this.Shape.ToResultAsync(this.Run(implementation, args, cancellationToken));

    /// <summary>Implementing side: runs a stream method of <paramref name="implementation"/>.</summary>
    [RequiresUnreferencedCode(ContractDescription.UnreferencedCodeMessage)]
    [RequiresDynamicCode(ContractDescription.DynamicCodeMessage)]
    public IAsyncEnumerable<object?> InvokeStream(object implementation, IpcArgs args, CancellationToken cancellationToken)
        => this.Shape.ToItems(this.Run(implementation, args, cancellationToken));

    [RequiresUnreferencedCode(ContractDescription.UnreferencedCodeMessage)]
    [RequiresDynamicCode(ContractDescription.DynamicCodeMessage)]
    private object Run(object implementation, IpcArgs args, CancellationToken cancellationToken)
    {
        int count = this.parameterTypes.Length;
        object?[] values = new object?[count];
        for (int i = 0, w = 0; i < count; i++)
        {
            // The caller's token never travels: the implementation gets the call's own, which the caller's cancels.
            values[i] = i == this.tokenIndex ? cancellationToken : args.Get(w++, this.parameterTypes[i]);
        }

        object? returned;
        try
        {
            returned = this.Method.Invoke(implementation, values);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            // The caller must learn the implementation's exception type, not reflection's wrapper.
            ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }

        return returned ?? throw new InvalidOperationException($"'{this.DisplayName}' returned null instead of a {(this.Shape.IsStream ? "sequence" : "task")}.");
    }
}
