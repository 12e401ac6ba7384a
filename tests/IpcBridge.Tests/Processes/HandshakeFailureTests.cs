using System.IO;
using System.Threading;
using System.Threading.Tasks;
using IpcBridge.Protocol;
using IpcBridge.Tests.Infrastructure;
using IpcBridge.Transport;

namespace IpcBridge.Tests.Processes;

/// <summary>Endpoints that vanish in the middle of the handshake.</summary>
public class HandshakeFailureTests
{
    [Fact]
    public async Task Attach_PeerClosedRightAfterItsHello_ProtocolExceptionNotTheSocketError()
    {
        // Found by the stress command's fuzzer: main's welcome hit a closed socket, and AttachAsync threw the raw
        // IOException ("Broken pipe") instead of one of the exceptions it documents.
        var logs = new CapturingLoggerProvider();
        await using var main = new MainProcess(null, logs.CreateFactory());
        (Stream mainEnd, Stream rendererEnd) = await SocketPair.CreateAsync();
        await using (var raw = new FramedStream(rendererEnd, 1 << 20))
        {
            byte[] hello = System.Text.Encoding.UTF8.GetBytes($"{{\"protocol\":{Handshake.ProtocolVersion},\"processId\":1}}");
            await raw.WriteFrameAsync(new Frame(Handshake.Hello, 0, string.Empty, hello), CancellationToken.None);
        }

        // The hello waits in main's socket; the peer is gone before main writes its welcome.
        await main.Awaiting(m => m.AttachAsync(mainEnd).WithTimeout())
            .Should().ThrowAsync<IpcProtocolException>().WithMessage("*connection failed during the handshake*");
        logs.Entries.Should().Contain(e => e.EventId.Id == 11);
        main.GetAllWebContents().Should().BeEmpty();
    }
}
