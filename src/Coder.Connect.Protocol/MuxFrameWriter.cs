namespace Coder.Connect.Protocol;

/// <summary>Writes whole frames to the shared stream, one at a time, from any session.</summary>
public sealed class MuxFrameWriter(Stream stream) : IDisposable
{
    readonly SemaphoreSlim _gate = new(1, 1);

    public async ValueTask SendAsync(MuxFrame frame, CancellationToken cancellationToken)
    {
        byte[] bytes = MuxFrameCodec.Encode(frame);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await stream.WriteAsync(bytes, cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
