using System.Buffers;

namespace Coder.Connect.Protocol;

/// <summary>
/// Writes whole frames to the shared stream, one at a time, from any session. Each frame is built in a pooled buffer and
/// written once (one WebSocket message on a relayed stream); data frames are built straight from the caller's bytes.
/// </summary>
public sealed class MuxFrameWriter(Stream stream) : IDisposable
{
    readonly SemaphoreSlim _gate = new(1, 1);

    public ValueTask SendAsync(MuxFrame frame, CancellationToken cancellationToken)
    {
        int length = MuxFrameCodec.HeaderLength + frame.Payload.Length;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
        MuxFrameCodec.WriteHeader(buffer, frame.Type, frame.SessionId, frame.Payload.Length);
        frame.Payload.Span.CopyTo(buffer.AsSpan(MuxFrameCodec.HeaderLength));
        return WriteAsync(buffer, length, cancellationToken);
    }

    /// <summary>A data frame of <paramref name="data"/> on <paramref name="channel"/>, without a <see cref="MuxFrame"/> of its own (one copy, not two).</summary>
    public ValueTask SendDataAsync(uint sessionId, MuxChannel channel, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        int length = MuxFrameCodec.HeaderLength + 1 + data.Length;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
        MuxFrameCodec.WriteHeader(buffer, MuxFrameType.Data, sessionId, 1 + data.Length);
        buffer[MuxFrameCodec.HeaderLength] = (byte)channel;
        data.Span.CopyTo(buffer.AsSpan(MuxFrameCodec.HeaderLength + 1));
        return WriteAsync(buffer, length, cancellationToken);
    }

    async ValueTask WriteAsync(byte[] buffer, int length, CancellationToken cancellationToken)
    {
        try
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                await stream.WriteAsync(buffer.AsMemory(0, length), cancellationToken);
                await stream.FlushAsync(cancellationToken);
            }
            finally
            {
                _gate.Release();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose() => _gate.Dispose();
}
