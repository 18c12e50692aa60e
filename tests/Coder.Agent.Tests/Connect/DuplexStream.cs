using Coder.Connect.Protocol;
namespace Coder.Agent.Tests.Connect;

/// <summary>One end of an in-memory connection: reads what the other end writes and the reverse.</summary>
sealed class DuplexStream(Stream incoming, Stream outgoing) : Stream
{
    public static (DuplexStream Client, DuplexStream Agent) CreatePair()
    {
        var toAgent = new System.IO.Pipelines.Pipe();
        var toClient = new System.IO.Pipelines.Pipe();
        return (new DuplexStream(toClient.Reader.AsStream(), toAgent.Writer.AsStream()),
            new DuplexStream(toAgent.Reader.AsStream(), toClient.Writer.AsStream()));
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => incoming.Read(buffer, offset, count);
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => incoming.ReadAsync(buffer, cancellationToken);
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => incoming.ReadAsync(buffer, offset, count, cancellationToken);
    public override void Write(byte[] buffer, int offset, int count) => outgoing.Write(buffer, offset, count);
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => outgoing.WriteAsync(buffer, cancellationToken);
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => outgoing.WriteAsync(buffer, offset, count, cancellationToken);
    public override void Flush() => outgoing.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => outgoing.FlushAsync(cancellationToken);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            outgoing.Dispose();
            incoming.Dispose();
        }

        base.Dispose(disposing);
    }
}
