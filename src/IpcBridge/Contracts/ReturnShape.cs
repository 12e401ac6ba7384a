using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace IpcBridge.Contracts;

/// <summary>
/// What a contract method returns, and the two conversions that depend on it: on the calling side, starting the call
/// and handing back the declared <see cref="Task"/>, <see cref="ValueTask"/> or <see cref="IAsyncEnumerable{T}"/>; on
/// the implementing side, turning what the implementation returned into a result or items the handler sends.
/// </summary>
/// <remarks>
/// One instance per method, made once when the contract is described: the generic shapes are the only place the
/// contract machinery needs a type made at run time, so a call never does reflection over generics.
/// </remarks>
internal abstract class ReturnShape
{
    private ReturnShape(Type? resultType) => this.ResultType = resultType;

    /// <summary>Gets the type of the result or of each item, or <see langword="null"/> for a method with no result.</summary>
    public Type? ResultType { get; }

    /// <summary>Gets a value indicating whether the method returns <see cref="IAsyncEnumerable{T}"/>.</summary>
    public virtual bool IsStream => false;

    /// <summary>Describes the return type <paramref name="returnType"/>, or returns <see langword="null"/> when a contract method cannot return it.</summary>
    [RequiresUnreferencedCode(ContractDescription.UnreferencedCodeMessage)]
    [RequiresDynamicCode(ContractDescription.DynamicCodeMessage)]
    public static ReturnShape? For(Type returnType)
    {
        if (returnType == typeof(Task))
        {
            return TaskShape.Instance;
        }

        if (returnType == typeof(ValueTask))
        {
            return ValueTaskShape.Instance;
        }

        if (!returnType.IsGenericType)
        {
            return null;
        }

        Type definition = returnType.GetGenericTypeDefinition();
        Type result = returnType.GetGenericArguments()[0];
        Type? shape = definition == typeof(Task<>) ? typeof(TaskShape<>).MakeGenericType(result)
            : definition == typeof(ValueTask<>) ? typeof(ValueTaskShape<>).MakeGenericType(result)
            : definition == typeof(IAsyncEnumerable<>) ? typeof(StreamShape<>).MakeGenericType(result)
            : null;
        return shape is null ? null : (ReturnShape)Activator.CreateInstance(shape)!;
    }

    /// <summary>Calling side: makes the call and returns what the method declares.</summary>
    [RequiresUnreferencedCode(ContractDescription.UnreferencedCodeMessage)]
    [RequiresDynamicCode(ContractDescription.DynamicCodeMessage)]
    public abstract object Call(IContractCaller caller, string channel, object?[] args, CancellationToken cancellationToken);

    /// <summary>Implementing side: awaits what a non-stream implementation returned, as the result to send.</summary>
    public virtual Task<object?> ToResultAsync(object returned) => throw new NotSupportedException();

    /// <summary>Implementing side: reads what a stream implementation returned, as the items to send.</summary>
    public virtual IAsyncEnumerable<object?> ToItems(object returned) => throw new NotSupportedException();

    // A plain Task, not the Task<object?> underneath: the caller declared no result and gets none.
    private static async Task DiscardAsync(Task<object?> call) => await call.ConfigureAwait(false);

    private sealed class TaskShape : ReturnShape
    {
        private TaskShape()
            : base(null)
        {
        }

        public static TaskShape Instance { get; } = new();

        [RequiresUnreferencedCode(ContractDescription.UnreferencedCodeMessage)]
        [RequiresDynamicCode(ContractDescription.DynamicCodeMessage)]
        public override object Call(IContractCaller caller, string channel, object?[] args, CancellationToken cancellationToken)
            => DiscardAsync(caller.InvokeAsync<object?>(channel, args, cancellationToken));

        public override async Task<object?> ToResultAsync(object returned)
        {
            await ((Task)returned).ConfigureAwait(false);
            return null;
        }
    }

    private sealed class ValueTaskShape : ReturnShape
    {
        private ValueTaskShape()
            : base(null)
        {
        }

        public static ValueTaskShape Instance { get; } = new();

        [RequiresUnreferencedCode(ContractDescription.UnreferencedCodeMessage)]
        [RequiresDynamicCode(ContractDescription.DynamicCodeMessage)]
        public override object Call(IContractCaller caller, string channel, object?[] args, CancellationToken cancellationToken)
            => new ValueTask(DiscardAsync(caller.InvokeAsync<object?>(channel, args, cancellationToken)));

        public override async Task<object?> ToResultAsync(object returned)
        {
            await ((ValueTask)returned).ConfigureAwait(false);
            return null;
        }
    }

    private sealed class TaskShape<T> : ReturnShape
    {
        public TaskShape()
            : base(typeof(T))
        {
        }

        [RequiresUnreferencedCode(ContractDescription.UnreferencedCodeMessage)]
        [RequiresDynamicCode(ContractDescription.DynamicCodeMessage)]
        public override object Call(IContractCaller caller, string channel, object?[] args, CancellationToken cancellationToken)
            => caller.InvokeAsync<T>(channel, args, cancellationToken);

        public override async Task<object?> ToResultAsync(object returned) => await ((Task<T>)returned).ConfigureAwait(false);
    }

    private sealed class ValueTaskShape<T> : ReturnShape
    {
        public ValueTaskShape()
            : base(typeof(T))
        {
        }

        [RequiresUnreferencedCode(ContractDescription.UnreferencedCodeMessage)]
        [RequiresDynamicCode(ContractDescription.DynamicCodeMessage)]
        public override object Call(IContractCaller caller, string channel, object?[] args, CancellationToken cancellationToken)
            => new ValueTask<T>(caller.InvokeAsync<T>(channel, args, cancellationToken));

        public override async Task<object?> ToResultAsync(object returned) => await ((ValueTask<T>)returned).ConfigureAwait(false);
    }

    private sealed class StreamShape<T> : ReturnShape
    {
        public StreamShape()
            : base(typeof(T))
        {
        }

        public override bool IsStream => true;

        [RequiresUnreferencedCode(ContractDescription.UnreferencedCodeMessage)]
        [RequiresDynamicCode(ContractDescription.DynamicCodeMessage)]
        public override object Call(IContractCaller caller, string channel, object?[] args, CancellationToken cancellationToken)
        {
            IAsyncEnumerable<T> items = caller.InvokeStream<T>(channel, args);
            return cancellationToken.CanBeCanceled ? WithToken(items, cancellationToken) : items;
        }

        public override IAsyncEnumerable<object?> ToItems(object returned) => Box((IAsyncEnumerable<T>)returned);

        /// <summary>
        /// The method's own token parameter stops the stream, and so does a token the reader gives through
        /// <c>WithCancellation</c>: either one cancels the remote implementation.
        /// </summary>
        private static async IAsyncEnumerable<T> WithToken(IAsyncEnumerable<T> items, CancellationToken bound, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            using CancellationTokenSource? linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(bound, cancellationToken) : null;
            await foreach (T item in items.WithCancellation(linked?.Token ?? bound).ConfigureAwait(false))
            {
                yield return item;
            }
        }

        private static async IAsyncEnumerable<object?> Box(IAsyncEnumerable<T> items, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (T item in items.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                yield return item;
            }
        }
    }
}
