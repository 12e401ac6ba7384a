using System;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Tests.Infrastructure;

namespace IpcBridge.Tests.Contracts;

/// <summary>An interface that cannot be a contract is refused up front, with a message naming each offending method.</summary>
public class ContractValidationTests
{
    public interface ISyncReturn
    {
        string Read();
    }

    public interface IVoidReturn
    {
        void Fire();
    }

    public interface IRefParameter
    {
        Task ReadAsync(ref int position);
    }

    public interface IOutParameter
    {
        Task TryReadAsync(out int value);
    }

    public interface IGenericMethod
    {
        Task<T> GetAsync<T>();
    }

    public interface IProperty
    {
        int Count { get; }
    }

    public interface IEvent
    {
        event EventHandler? Changed;
    }

    public interface IOverloads
    {
        Task SaveAsync(int number);

        Task SaveAsync(string text);
    }

    public interface IRenamedOverloads
    {
        Task SaveAsync(int number);

        [IpcMethod("SaveText")]
        Task SaveAsync(string text);
    }

    public interface IRenamedCollision
    {
        [IpcMethod("same")]
        Task FirstAsync();

        [IpcMethod("same")]
        Task SecondAsync();
    }

    public interface ITwoTokens
    {
        Task RunAsync(CancellationToken first, CancellationToken second);
    }

    public interface IDelegateParameter
    {
        Task SubscribeAsync(Action<string> callback);
    }

    public interface INestedTask
    {
        Task<Task<int>> NestedAsync();
    }

    [IpcContract("bad*")]
    public interface IStarName
    {
        Task PingAsync();
    }

    public interface IManyProblems
    {
        string Sync();

        Task<T> Generic<T>();

        Task Fine();
    }

    [Theory]
    [InlineData(typeof(ISyncReturn), "'ISyncReturn.Read' returns 'System.String'")]
    [InlineData(typeof(IVoidReturn), "'IVoidReturn.Fire' returns 'System.Void'")]
    [InlineData(typeof(IRefParameter), "'IRefParameter.ReadAsync' has the ref, out or in parameter 'position'")]
    [InlineData(typeof(IOutParameter), "'IOutParameter.TryReadAsync' has the ref, out or in parameter 'value'")]
    [InlineData(typeof(IGenericMethod), "'IGenericMethod.GetAsync' is generic")]
    [InlineData(typeof(IProperty), "'IProperty.Count' is a property")]
    [InlineData(typeof(IEvent), "'IEvent.Changed' is an event")]
    [InlineData(typeof(IOverloads), "'IOverloads.SaveAsync(Int32)' and 'IOverloads.SaveAsync(String)' would both be served on channel 'IOverloads.SaveAsync'")]
    [InlineData(typeof(IRenamedCollision), "'IRenamedCollision.FirstAsync()' and 'IRenamedCollision.SecondAsync()' would both be served on channel 'IRenamedCollision.same'")]
    [InlineData(typeof(ITwoTokens), "'ITwoTokens.RunAsync' has more than one CancellationToken parameter")]
    [InlineData(typeof(IDelegateParameter), "'IDelegateParameter.SubscribeAsync' has the parameter 'callback'")]
    [InlineData(typeof(INestedTask), "'INestedTask.NestedAsync' returns")]
    [InlineData(typeof(IStarName), "contains '*'")]
    public void AllowContract_InterfaceThatCannotBeAContract_ThrowsArgumentExceptionNamingTheMethod(Type contract, string expected)
    {
        // Arrange
        Action act = () => typeof(ContractValidationTests).GetMethod(nameof(AllowContractOf), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(contract).Invoke(null, null);

        // Act, Assert
        act.Should().Throw<System.Reflection.TargetInvocationException>()
            .WithInnerException<ArgumentException>()
            .Which.Message.Should().Contain(expected);
    }

    [Fact]
    public void AllowContract_SeveralProblems_ListsEveryOne()
    {
        // Act
        Action act = () => ChannelAllowlist.DenyAll.AllowContract<IManyProblems>();

        // Assert
        string message = act.Should().Throw<ArgumentException>().Which.Message;
        message.Should().Contain("'IManyProblems.Sync' returns").And.Contain("'IManyProblems.Generic' is generic").And.NotContain("Fine");
    }

    [Fact]
    public void AllowContract_OverloadsWithDistinctNames_AreAccepted()
    {
        // Act
        ChannelAllowlist list = ChannelAllowlist.DenyAll.AllowContract<IRenamedOverloads>();

        // Assert
        list.IsAllowed(IpcOperation.Invoke, "IRenamedOverloads.SaveAsync").Should().BeTrue();
        list.IsAllowed(IpcOperation.Invoke, "IRenamedOverloads.SaveText").Should().BeTrue();
    }

    [Fact]
    public void AllowContract_NotAnInterface_Throws()
    {
        // Act
        Action act = () => ChannelAllowlist.DenyAll.AllowContract<Files>();

        // Assert
        act.Should().Throw<ArgumentException>().WithMessage("*is not an interface*");
    }

    [Theory]
    [MemberData(nameof(Transports.All), MemberType = typeof(Transports))]
    public async Task GetContractAndHandleContract_InvalidInterface_ThrowBeforeAnyCall(TransportKind transport)
    {
        // Arrange
        await using var bridge = Bridge.Create(transport);
        TestRenderer renderer = await bridge.AddRendererAsync();

        // Act
        Action rendererClient = () => renderer.Ipc.GetContract<ISyncReturn>();
        Action mainClient = () => renderer.WebContents.GetContract<IProperty>();
        Action mainHandler = () => bridge.IpcMain.HandleContract<IOverloads>(_ => throw new InvalidOperationException("never called"));
        Action rendererHandler = () => renderer.Ipc.HandleContract<IGenericMethod>(new GenericMethod());

        // Assert
        rendererClient.Should().Throw<ArgumentException>().WithMessage("*ISyncReturn.Read*");
        mainClient.Should().Throw<ArgumentException>().WithMessage("*IProperty.Count*");
        mainHandler.Should().Throw<ArgumentException>().WithMessage("*IOverloads.SaveAsync*");
        rendererHandler.Should().Throw<ArgumentException>().WithMessage("*IGenericMethod.GetAsync*");
        bridge.IpcMain.HasHandler("IOverloads.SaveAsync").Should().BeFalse();
    }

    private static void AllowContractOf<TApi>()
        where TApi : class
        => ChannelAllowlist.DenyAll.AllowContract<TApi>();

    private sealed class GenericMethod : IGenericMethod
    {
        public Task<T> GetAsync<T>() => Task.FromResult(default(T)!);
    }
}
