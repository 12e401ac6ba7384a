using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Serialization;

namespace IpcBridge.Renderer;

/// <summary>
/// The object page code holds for an exposed API. It forwards each call to preload's implementation with copies of
/// the arguments (callbacks are wrapped so their arguments are copied too) and hands back a copy of the result, the
/// way Electron's context bridge clones values between isolated worlds. Casting it to the implementation type fails:
/// it is a generated type that only implements the interface.
/// </summary>
internal class BridgeProxy : DispatchProxy
{
    private static readonly MethodInfo CopyTaskMethod = typeof(BridgeProxy).GetMethod(nameof(CopyTaskAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo CopyValueTaskMethod = typeof(BridgeProxy).GetMethod(nameof(CopyValueTaskAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo CopyStreamMethod = typeof(BridgeProxy).GetMethod(nameof(CopyStreamAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo RelayMethod = typeof(DelegateRelay).GetMethod(nameof(DelegateRelay.Invoke))!;
    private static readonly ConditionalWeakTable<Delegate, ConcurrentDictionary<(Type, PayloadSerializer), Delegate>> Wrappers = new();

    private object target = null!;
    private PayloadSerializer serializer = null!;

    /// <summary>Used by <see cref="DispatchProxy"/>; proxies are made by <see cref="ContextBridge.ExposeInMainWorld{TApi}(string, TApi)"/>.</summary>
    public BridgeProxy()
    {
    }

    [RequiresUnreferencedCode(ReflectionMessages.ContextBridgeUnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.ContextBridgeDynamicCode)]
    internal static TApi Create<TApi>(TApi api, PayloadSerializer serializer)
        where TApi : class
    {
        TApi proxy = Create<TApi, BridgeProxy>();
        var bridge = (BridgeProxy)(object)proxy;
        bridge.target = api;
        bridge.serializer = serializer;
        return proxy;
    }

    /// <summary>Forwards one call across the bridge.</summary>
    /// <param name="targetMethod">The interface method called.</param>
    /// <param name="args">Its arguments.</param>
    /// <returns>A copy of the result.</returns>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "A BridgeProxy is made only by ContextBridge.ExposeInMainWorld, which carries RequiresUnreferencedCode.")]
    [UnconditionalSuppressMessage("AotAnalysis", "IL3050", Justification = "A BridgeProxy is made only by ContextBridge.ExposeInMainWorld, which carries RequiresDynamicCode.")]
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod is null)
        {
            throw new ArgumentNullException(nameof(targetMethod));
        }

        ParameterInfo[] parameters = targetMethod.GetParameters();
        object?[] copied = new object?[parameters.Length];
        for (int i = 0; i < parameters.Length; i++)
        {
            if (parameters[i].ParameterType.IsByRef)
            {
                throw new NotSupportedException($"'{targetMethod.Name}' has a ref or out parameter, which cannot cross the context bridge.");
            }

            copied[i] = Copy(args?[i], parameters[i].ParameterType, this.serializer);
        }

        object? result;
        try
        {
            result = targetMethod.Invoke(this.target, copied);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw CopyException(ex.InnerException, targetMethod.Name);
        }

        return Copy(result, targetMethod.ReturnType, this.serializer);
    }

    /// <summary>Copies a value across the bridge, as <paramref name="declared"/>.</summary>
    [RequiresUnreferencedCode(ReflectionMessages.ContextBridgeUnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.ContextBridgeDynamicCode)]
    private static object? Copy(object? value, Type declared, PayloadSerializer serializer)
    {
        if (value is null || declared == typeof(void))
        {
            return null;
        }

        if (declared == typeof(CancellationToken) || declared == typeof(string) || declared.IsPrimitive || declared.IsEnum || declared == typeof(decimal))
        {
            // Immutable: a copy would be indistinguishable.
            return value;
        }

        if (typeof(Delegate).IsAssignableFrom(declared))
        {
            // The same callback must cross as the same object every time, or page code could never unsubscribe
            // (event -=, RemoveListener) with the delegate it subscribed with.
            var original = (Delegate)value;
            return Wrappers.GetValue(original, _ => new ConcurrentDictionary<(Type, PayloadSerializer), Delegate>())
                .GetOrAdd((declared, serializer), key => Wrap(original, key.Item1, key.Item2));
        }

        if (declared == typeof(Task))
        {
            // A fresh task: preload's own could be a Task<T> or carry AsyncState, handing page code preload's objects.
            return AwaitAsync((Task)value);
        }

        if (declared == typeof(ValueTask))
        {
            return new ValueTask(AwaitAsync(((ValueTask)value).AsTask()));
        }

        if (declared.IsGenericType && declared.GetGenericTypeDefinition() == typeof(Task<>))
        {
            return CopyTaskMethod.MakeGenericMethod(declared.GetGenericArguments()[0]).Invoke(null, new[] { value, serializer });
        }

        if (declared.IsGenericType && declared.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            return CopyValueTaskMethod.MakeGenericMethod(declared.GetGenericArguments()[0]).Invoke(null, new[] { value, serializer });
        }

        if (declared.IsGenericType && declared.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>))
        {
            return CopyStreamMethod.MakeGenericMethod(declared.GetGenericArguments()[0]).Invoke(null, new[] { value, serializer, default(CancellationToken) });
        }

        Type type = declared == typeof(object) ? value.GetType() : declared;
        ReadOnlyMemory<byte> json = serializer.SerializeObject(value);
        return serializer.Deserialize(json, type, "a value crossing the context bridge");
    }

    private static async Task AwaitAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw CopyException(ex, "an asynchronous call");
        }
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Called, through reflection, only by a BridgeProxy, which only ContextBridge.ExposeInMainWorld makes; that carries RequiresUnreferencedCode.")]
    [UnconditionalSuppressMessage("AotAnalysis", "IL3050", Justification = "Called, through reflection, only by a BridgeProxy, which only ContextBridge.ExposeInMainWorld makes; that carries RequiresDynamicCode.")]
    private static async Task<T> CopyTaskAsync<T>(Task<T> task, PayloadSerializer serializer)
    {
        T result;
        try
        {
            result = await task.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw CopyException(ex, "an asynchronous call");
        }

        return (T)Copy(result, typeof(T), serializer)!;
    }

    /// <summary>
    /// An exception crosses the bridge as a copy of its type name, message and stack, never as the object: preload's
    /// exception may hold references (Data, inner exceptions, custom properties) to preload's world.
    /// </summary>
    private static Exception CopyException(Exception ex, string what)
    {
        if (ex is OperationCanceledException)
        {
            return new OperationCanceledException(ex.Message);
        }

        if (ex is IpcInvocationException remote)
        {
            // Already a copy of another endpoint's failure (a contract or invoke called from preload): page code learns
            // what failed over there, not that an IpcInvocationException was thrown here.
            return new IpcInvocationException(remote.Channel, remote.Message, remote.RemoteTypeName, remote.RemoteMessage, remote.RemoteStackTrace);
        }

        string type = ex.GetType().FullName ?? ex.GetType().Name;
        return new IpcInvocationException(what, $"{type}: {ex.Message}", type, ex.Message, ex.StackTrace);
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Called, through reflection, only by a BridgeProxy, which only ContextBridge.ExposeInMainWorld makes; that carries RequiresUnreferencedCode.")]
    [UnconditionalSuppressMessage("AotAnalysis", "IL3050", Justification = "Called, through reflection, only by a BridgeProxy, which only ContextBridge.ExposeInMainWorld makes; that carries RequiresDynamicCode.")]
    private static ValueTask<T> CopyValueTaskAsync<T>(ValueTask<T> task, PayloadSerializer serializer)
        => new(CopyTaskAsync(task.AsTask(), serializer));

    /// <summary>A sequence crosses item by item, each a copy; page code's cancellation reaches preload's enumerator.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Called, through reflection, only by a BridgeProxy, which only ContextBridge.ExposeInMainWorld makes; that carries RequiresUnreferencedCode.")]
    [UnconditionalSuppressMessage("AotAnalysis", "IL3050", Justification = "Called, through reflection, only by a BridgeProxy, which only ContextBridge.ExposeInMainWorld makes; that carries RequiresDynamicCode.")]
    private static async IAsyncEnumerable<T> CopyStreamAsync<T>(IAsyncEnumerable<T> items, PayloadSerializer serializer, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IAsyncEnumerator<T> reader = items.GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await reader.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    throw CopyException(ex, "an asynchronous stream");
                }

                if (!more)
                {
                    break;
                }

                yield return (T)Copy(reader.Current, typeof(T), serializer)!;
            }
        }
        finally
        {
            await reader.DisposeAsync().ConfigureAwait(false);
        }
    }

    [RequiresUnreferencedCode(ReflectionMessages.ContextBridgeUnreferencedCode)]
    [RequiresDynamicCode(ReflectionMessages.ContextBridgeDynamicCode)]
    private static Delegate Wrap(Delegate original, Type delegateType, PayloadSerializer serializer)
    {
        MethodInfo invoke = delegateType.GetMethod("Invoke")
            ?? throw new IpcSerializationException($"A callback declared as '{delegateType}' cannot cross the context bridge: declare a concrete delegate type such as Action<T>.");
        ParameterExpression[] parameters = invoke.GetParameters().Select(p => Expression.Parameter(p.ParameterType, p.Name)).ToArray();
        var relay = new DelegateRelay(original, invoke, serializer);
        Expression call = Expression.Call(
            Expression.Constant(relay),
            RelayMethod,
            Expression.NewArrayInit(typeof(object), parameters.Select(p => (Expression)Expression.Convert(p, typeof(object)))));
        Expression body = invoke.ReturnType == typeof(void) ? call : Expression.Convert(call, invoke.ReturnType);
        return Expression.Lambda(delegateType, body, parameters).Compile();
    }

    /// <summary>Runs a callback that crossed the bridge, copying what flows through it.</summary>
    internal sealed class DelegateRelay
    {
        private readonly Delegate original;
        private readonly MethodInfo signature;
        private readonly PayloadSerializer serializer;

        public DelegateRelay(Delegate original, MethodInfo signature, PayloadSerializer serializer)
        {
            this.original = original;
            this.signature = signature;
            this.serializer = serializer;
        }

        [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "A relay exists only for a callback crossing a bridge made by ContextBridge.ExposeInMainWorld, which carries RequiresUnreferencedCode.")]
        [UnconditionalSuppressMessage("AotAnalysis", "IL3050", Justification = "A relay exists only for a callback crossing a bridge made by ContextBridge.ExposeInMainWorld, which carries RequiresDynamicCode.")]
        public object? Invoke(object?[] args)
        {
            ParameterInfo[] parameters = this.signature.GetParameters();
            object?[] copied = new object?[args.Length];
            for (int i = 0; i < args.Length; i++)
            {
                copied[i] = Copy(args[i], parameters[i].ParameterType, this.serializer);
            }

            object? result;
            try
            {
                result = this.original.DynamicInvoke(copied);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                throw CopyException(ex.InnerException, "a callback");
            }

            return Copy(result, this.signature.ReturnType, this.serializer);
        }
    }
}
