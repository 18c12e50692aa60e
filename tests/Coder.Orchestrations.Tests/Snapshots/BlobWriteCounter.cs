using Azure.Core;
using Azure.Core.Pipeline;

namespace Coder.Orchestrations.Tests.Snapshots;

/// <summary>Counts the request bytes every PUT sends to Blob storage: what a snapshot really writes, measured on the wire.</summary>
public sealed class BlobWriteCounter : HttpPipelineSynchronousPolicy
{
    long _bytes;
    long _puts;

    public long Bytes => Interlocked.Read(ref _bytes);

    public long Puts => Interlocked.Read(ref _puts);

    public override void OnSendingRequest(HttpMessage message)
    {
        if (message.Request.Method != RequestMethod.Put) return;
        Interlocked.Increment(ref _puts);
        if (message.Request.Content is { } content && content.TryComputeLength(out long length)) Interlocked.Add(ref _bytes, length);
    }

    public void Reset()
    {
        Interlocked.Exchange(ref _bytes, 0);
        Interlocked.Exchange(ref _puts, 0);
    }
}
