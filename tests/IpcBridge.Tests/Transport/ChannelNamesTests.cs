using System;
using System.Text;
using IpcBridge.Protocol;

namespace IpcBridge.Tests.Transport;

/// <summary>The read loop's cache of decoded channel names: the same string for the same bytes, and no less strict than decoding.</summary>
public class ChannelNamesTests
{
    [Fact]
    public void Get_SameBytesTwice_SameStringInstance()
    {
        // Arrange
        byte[] name = Encoding.UTF8.GetBytes("cache:same-bytes-é");

        // Act
        string first = ChannelNames.Get(name);
        string second = ChannelNames.Get(name.AsSpan());

        // Assert
        first.Should().Be("cache:same-bytes-é");
        second.Should().BeSameAs(first);
    }

    [Fact]
    public void Get_DifferentBytes_EachDecodedAsItself()
    {
        // Act
        string a = ChannelNames.Get(Encoding.UTF8.GetBytes("cache:a"));
        string b = ChannelNames.Get(Encoding.UTF8.GetBytes("cache:b"));
        string longName = ChannelNames.Get(Encoding.UTF8.GetBytes(new string('x', 200)));

        // Assert
        a.Should().Be("cache:a");
        b.Should().Be("cache:b");
        longName.Should().Be(new string('x', 200));
    }

    [Fact]
    public void Get_BytesThatAreNotUtf8_ThrowEveryTime()
    {
        // Arrange: a lone continuation byte.
        byte[] bad = { (byte)'c', 0x80, (byte)'x' };

        // Act
        Action first = () => ChannelNames.Get(bad);
        Action second = () => ChannelNames.Get(bad);

        // Assert
        first.Should().Throw<DecoderFallbackException>();
        second.Should().Throw<DecoderFallbackException>("an invalid name is never cached");
    }
}
