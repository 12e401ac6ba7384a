using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using System.Reflection;
using System.Threading;
using IpcBridge.Serialization;

namespace IpcBridge.Contracts;

/// <summary>
/// A validated contract interface: its name and its methods with their channels. Made once per interface and cached;
/// an interface that cannot be a contract is refused with every problem listed, each naming its method.
/// </summary>
internal sealed class ContractDescription
{
    /// <summary>The <see cref="RequiresUnreferencedCodeAttribute"/> message of the contract APIs.</summary>
    public const string UnreferencedCodeMessage =
        "IPC contracts read the interface's methods with reflection, call the implementation through reflection and serialize arguments and results with System.Text.Json reflection metadata, which trimming may remove. " +
        "Under trimming, use typed channels (IpcInvokeChannel<TRequest, TResponse>) created with source-generated JsonTypeInfo.";

    /// <summary>The <see cref="RequiresDynamicCodeAttribute"/> message of the contract APIs.</summary>
    public const string DynamicCodeMessage =
        "IPC contracts generate a proxy type (DispatchProxy) and generic adapters for the methods' result types at run time, which Native AOT cannot do. " +
        "Under Native AOT, use typed channels (IpcInvokeChannel<TRequest, TResponse>) created with source-generated JsonTypeInfo.";

    /// <summary>What the contract APIs read of the interface (DispatchProxy needs all of it to implement it).</summary>
    public const DynamicallyAccessedMemberTypes Members = DynamicallyAccessedMemberTypes.All;

    private static readonly ConcurrentDictionary<Type, ContractDescription> Cache = new();

    private readonly Dictionary<MethodKey, ContractMethod> byMethod;

    private ContractDescription(Type contract, string name, ContractMethod[] methods)
    {
        this.Interface = contract;
        this.Name = name;
        this.Methods = methods;
        this.byMethod = methods.ToDictionary(m => new MethodKey(m.Method));
    }

    /// <summary>Gets the interface.</summary>
    public Type Interface { get; }

    /// <summary>Gets the contract name, the prefix of every channel.</summary>
    public string Name { get; }

    /// <summary>Gets the methods, the interface's own and those it inherits.</summary>
    public IReadOnlyList<ContractMethod> Methods { get; }

    /// <summary>Gets the channel of every method.</summary>
    public string[] Channels => this.Methods.Select(m => m.Channel).ToArray();

    /// <summary>Describes <paramref name="contract"/>, once per type.</summary>
    /// <exception cref="ArgumentException">The type is not an interface a contract can be made of; the message lists why, per method.</exception>
    [RequiresUnreferencedCode(UnreferencedCodeMessage)]
    [RequiresDynamicCode(DynamicCodeMessage)]
    public static ContractDescription For(Type contract)
        => Cache.TryGetValue(contract, out ContractDescription? known) ? known : Cache.GetOrAdd(contract, Describe(contract));

    /// <summary>Finds the description of an interface method, as <see cref="System.Reflection.DispatchProxy"/> reports it.</summary>
    /// <exception cref="NotSupportedException">The method is not one of the contract's.</exception>
    public ContractMethod Find(MethodInfo method)
        => this.byMethod.TryGetValue(new MethodKey(method), out ContractMethod? found)
            ? found
            : throw new NotSupportedException($"'{ContractMethod.Describe(method)}' is not a method of the IPC contract '{this.Interface}'.");

    [RequiresUnreferencedCode(UnreferencedCodeMessage)]
    [RequiresDynamicCode(DynamicCodeMessage)]
    private static ContractDescription Describe(Type contract)
    {
        if (!contract.IsInterface)
        {
            throw new ArgumentException($"'{contract}' is not an interface; an IPC contract is an interface, so the caller never holds the implementation.");
        }

        if (contract.ContainsGenericParameters)
        {
            throw new ArgumentException($"'{contract}' is an open generic interface; an IPC contract needs every type argument.");
        }

        var problems = new List<string>();
        string name = contract.GetCustomAttribute<IpcContractAttribute>()?.Name ?? DefaultName(contract);
        CheckName(name, $"The contract name of '{contract}'", problems);

        var methods = new List<ContractMethod>();
        var byChannel = new Dictionary<string, MethodInfo>(StringComparer.Ordinal);
        foreach (Type type in new[] { contract }.Concat(contract.GetInterfaces()))
        {
            foreach (PropertyInfo property in type.GetProperties())
            {
                problems.Add($"'{type.Name}.{property.Name}' is a property; a contract has only methods (make it a method returning Task<T>).");
            }

            foreach (EventInfo e in type.GetEvents())
            {
                problems.Add($"'{type.Name}.{e.Name}' is an event; a contract has only methods (have main send on a channel, or return IAsyncEnumerable<T>).");
            }

            foreach (MethodInfo method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance))
            {
                if (method.IsSpecialName)
                {
                    // A property's or event's accessor, reported above.
                    continue;
                }

                ContractMethod? described = DescribeMethod(method, name, problems);
                if (described is null)
                {
                    continue;
                }

                if (byChannel.TryGetValue(described.Channel, out MethodInfo? other))
                {
                    problems.Add($"'{Signature(other)}' and '{Signature(method)}' would both be served on channel '{described.Channel}'; give one of them another name with [IpcMethod(\"...\")].");
                    continue;
                }

                byChannel.Add(described.Channel, method);
                methods.Add(described);
            }
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"'{contract}' cannot be an IPC contract:{Environment.NewLine} - {string.Join(Environment.NewLine + " - ", problems)}");
        }

        return new ContractDescription(contract, name, methods.ToArray());
    }

    [RequiresUnreferencedCode(UnreferencedCodeMessage)]
    [RequiresDynamicCode(DynamicCodeMessage)]
    private static ContractMethod? DescribeMethod(MethodInfo method, string contractName, List<string> problems)
    {
        string display = ContractMethod.Describe(method);
        if (method.IsGenericMethodDefinition)
        {
            problems.Add($"'{display}' is generic; a contract method's types must be known to both sides.");
            return null;
        }

        int before = problems.Count;
        ReturnShape? shape = ReturnShape.For(method.ReturnType);
        if (shape is null)
        {
            problems.Add($"'{display}' returns '{method.ReturnType}'; a contract method returns Task, ValueTask, Task<T>, ValueTask<T> or IAsyncEnumerable<T>, because every call crosses to another endpoint.");
        }
        else if (shape.ResultType is { } result && Uncloneable(result) is { } why)
        {
            problems.Add($"'{display}' returns '{method.ReturnType}', whose '{result}' is {why} and cannot cross an IPC boundary.");
        }

        ParameterInfo[] parameters = method.GetParameters();
        var types = new Type[parameters.Length];
        int tokenIndex = -1;
        for (int i = 0; i < parameters.Length; i++)
        {
            Type type = parameters[i].ParameterType;
            types[i] = type;
            if (type.IsByRef)
            {
                problems.Add($"'{display}' has the ref, out or in parameter '{parameters[i].Name}'; a contract method's parameters are copied one way.");
            }
            else if (type == typeof(CancellationToken))
            {
                if (tokenIndex >= 0)
                {
                    problems.Add($"'{display}' has more than one CancellationToken parameter; the call has one token.");
                }

                tokenIndex = i;
            }
            else if (Uncloneable(type) is { } why)
            {
                problems.Add($"'{display}' has the parameter '{parameters[i].Name}' of type '{type}', which is {why} and cannot cross an IPC boundary.");
            }
        }

        string methodName = method.GetCustomAttribute<IpcMethodAttribute>()?.Name ?? method.Name;
        CheckName(methodName, $"The [IpcMethod] name of '{display}'", problems);
        return problems.Count > before ? null : new ContractMethod(method, contractName + "." + methodName, types, tokenIndex, shape!);
    }

    private static string? Uncloneable(Type type)
    {
        if (type.IsPointer || type.GetCustomAttributes(inherit: false).Any(a => a.GetType().FullName == "System.Runtime.CompilerServices.IsByRefLikeAttribute"))
        {
            return "a pointer or a ref struct";
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>))
        {
            return "a stream of items (return IAsyncEnumerable<T> from the method itself)";
        }

        return UncloneableTypeConverterFactory.Describe(type);
    }

    private static void CheckName(string name, string what, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            problems.Add($"{what} is empty.");
        }
        else if (name.AsSpan().IndexOf('*') >= 0)
        {
            problems.Add($"{what}, '{name}', contains '*', which allowlist patterns reserve.");
        }
    }

    /// <summary>The interface's name; a closed generic one spells its type arguments (<c>IStore&lt;Note&gt;</c>) so two of them do not collide.</summary>
    private static string DefaultName(Type type)
    {
        if (!type.IsGenericType)
        {
            return type.Name;
        }

        string name = type.Name;
        int tick = name.IndexOf('`');
        return (tick < 0 ? name : name.Substring(0, tick)) + "<" + string.Join(",", type.GetGenericArguments().Select(DefaultName)) + ">";
    }

    private static string Signature(MethodInfo method)
        => $"{ContractMethod.Describe(method)}({string.Join(", ", method.GetParameters().Select(p => p.ParameterType.Name))})";

    /// <summary>
    /// Identifies an interface method whichever <see cref="MethodInfo"/> object stands for it: DispatchProxy's may be
    /// another instance (another reflected type) than the one the description was made from.
    /// </summary>
    private readonly struct MethodKey : IEquatable<MethodKey>
    {
        private readonly Type? declaringType;
        private readonly int token;

        public MethodKey(MethodInfo method)
        {
            this.declaringType = method.DeclaringType;
            this.token = method.MetadataToken;
        }

        public bool Equals(MethodKey other) => this.declaringType == other.declaringType && this.token == other.token;

        public override bool Equals(object? obj) => obj is MethodKey other && this.Equals(other);

        public override int GetHashCode() => ((this.declaringType?.GetHashCode() ?? 0) * 397) ^ this.token;
    }
}
