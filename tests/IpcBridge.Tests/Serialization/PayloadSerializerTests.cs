using System;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using IpcBridge.Serialization;

namespace IpcBridge.Tests.Serialization;

/// <summary>
/// The serializer's shortcuts (shared prepared options, remembered metadata, pooled buffers for large payloads, argument
/// places found without an array, descriptions formatted only on failure) must never change a byte or a message.
/// </summary>
public class PayloadSerializerTests
{
    private static readonly int[] ThreeAndFour = { 3, 4 };

    [Fact]
    public void SerializeValue_LargeThenSmallThenLarge_EachPayloadIsExactlyTheJson()
    {
        // Arrange
        var serializer = new PayloadSerializer(null);
        string large = new('x', (1024 * 1024) + 5);
        string larger = new('y', 3 * 1024 * 1024);

        // Act
        byte[][] payloads = { serializer.SerializeValue(large).ToArray(), serializer.SerializeValue("a").ToArray(), serializer.SerializeValue(larger).ToArray(), serializer.SerializeValue(large).ToArray() };

        // Assert
        payloads.Select(Encoding.UTF8.GetString).Should().Equal($"\"{large}\"", "\"a\"", $"\"{larger}\"", $"\"{large}\"");
    }

    [Fact]
    public void Serializers_GivenTheSameReadOnlyOptions_ShareOnePreparedCopy_MutableOptionsAreCopiedEachTime()
    {
        // Arrange
        var frozen = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        frozen.MakeReadOnly(populateMissingResolver: true);
        var mutable = new JsonSerializerOptions(JsonSerializerDefaults.Web);

        // Act and assert
        new PayloadSerializer(frozen).Options.Should().BeSameAs(new PayloadSerializer(frozen).Options);
        new PayloadSerializer(null).Options.Should().BeSameAs(new PayloadSerializer(null).Options);
        new PayloadSerializer(mutable).Options.Should().NotBeSameAs(new PayloadSerializer(mutable).Options);
    }

    [Fact]
    public void Serializers_WithDifferentOptions_TakingTurns_EachKeepTheirOwnNaming()
    {
        // Arrange
        var camel = new PayloadSerializer(new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase });
        var pascal = new PayloadSerializer(new JsonSerializerOptions());
        var value = new Named { DisplayName = "n" };

        // Act: alternately, so each read finds the other serializer's metadata remembered last.
        string[] json = Enumerable.Range(0, 6)
            .Select(i => Encoding.UTF8.GetString((i % 2 == 0 ? camel.SerializeValue(value) : pascal.SerializeValue(value)).Span))
            .ToArray();
        Named read = pascal.Deserialize<Named>("{\"DisplayName\":\"p\"}"u8.ToArray(), "a test value");

        // Assert
        json.Should().Equal(Enumerable.Range(0, 6).Select(i => i % 2 == 0 ? "{\"displayName\":\"n\"}" : "{\"DisplayName\":\"n\"}"));
        read.DisplayName.Should().Be("p");
    }

    [Fact]
    public void IpcArgs_ThreeArguments_EachReadFromItsOwnPlace_PastTheEndReadsAsNull()
    {
        // Arrange
        var serializer = new PayloadSerializer(null);
        var args = new IpcArgs(serializer.SerializeArgs(new object?[] { "one", 2, ThreeAndFour }), serializer, "three");

        // Act and assert
        args.Count.Should().Be(3);
        args.Get<string>(0).Should().Be("one");
        args.Get<int>(1).Should().Be(2);
        args.Get<int[]>(2).Should().Equal(3, 4);
        args.Get<string?>(3).Should().BeNull();
    }

    [Fact]
    public void IpcArgs_NoArguments_CountsNone()
    {
        var serializer = new PayloadSerializer(null);
        var args = new IpcArgs(serializer.SerializeArgs(Array.Empty<object?>()), serializer, "none");

        args.Count.Should().Be(0);
        args.Get<string?>(0).Should().BeNull();
    }

    [Fact]
    public async Task IpcArgs_ReadFromManyThreadsAtOnce_EveryThreadReadsTheSameArguments()
    {
        var serializer = new PayloadSerializer(null);
        for (int round = 0; round < 50; round++)
        {
            // Arrange: fresh arguments, so the threads race to find their places.
            var args = new IpcArgs(serializer.SerializeArgs(new object?[] { "a", "b", round }), serializer, "race");

            // Act
            (string, string, int)[] reads = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => (args.Get<string>(0), args.Get<string>(1), args.Get<int>(2)))));

            // Assert
            reads.Should().AllBeEquivalentTo(("a", "b", round));
        }
    }

    [Fact]
    public void IpcArgs_ArgumentOfTheWrongType_MessageNamesTheArgumentAndTheChannel()
    {
        // Arrange
        var serializer = new PayloadSerializer(null);
        var args = new IpcArgs(serializer.SerializeArgs(new object?[] { 1, "not a number" }), serializer, "orders:add");

        // Act
        Action read = () => args.Get<int>(1);

        // Assert
        read.Should().Throw<IpcSerializationException>().WithMessage("Could not read argument 1 on channel 'orders:add' as 'System.Int32': *");
    }

    public sealed class Named
    {
        public string DisplayName { get; set; } = string.Empty;
    }
}
