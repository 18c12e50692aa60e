using System.Buffers;
using System.Runtime.ExceptionServices;
using Azure;
using Azure.Storage.Blobs.Models;

namespace Coder.Orchestrations.Provisioning.Local.ChunkStore;

/// <summary>
/// Compresses and uploads new chunks in the background, a bounded number at once, so reading and chunking never wait
/// for a round trip and the cores stay busy compressing. The first failure surfaces on the next enqueue or on completion.
/// </summary>
sealed class ChunkUploader(SnapshotBlobs blobs, int maxInFlight)
{
    readonly SemaphoreSlim _slots = new(maxInFlight, maxInFlight);
    readonly List<Task> _uploads = [];
    readonly Lock _lock = new();
    Exception? _failure;
    long _uploadedBytes;

    /// <summary>Copies <paramref name="content"/> and returns once an upload slot is free; the upload runs on.</summary>
    public async Task EnqueueAsync(string hash, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        if (Volatile.Read(ref _failure) is { } failure)
        {
            _slots.Release();
            ExceptionDispatchInfo.Throw(failure);
        }

        byte[] copy = ArrayPool<byte>.Shared.Rent(content.Length);
        content.CopyTo(copy);
        int length = content.Length;
        var upload = Task.Run(async () =>
        {
            try
            {
                Interlocked.Add(ref _uploadedBytes, await UploadAsync(hash, copy.AsMemory(0, length), cancellationToken));
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, e, null);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(copy);
                _slots.Release();
            }
        }, CancellationToken.None);
        lock (_lock) _uploads.Add(upload);
    }

    /// <summary>Waits for every upload; the bytes written, or the first failure.</summary>
    public async Task<long> CompleteAsync(CancellationToken cancellationToken)
    {
        await DrainAsync().WaitAsync(cancellationToken);
        if (Volatile.Read(ref _failure) is { } failure) ExceptionDispatchInfo.Throw(failure);
        return Interlocked.Read(ref _uploadedBytes);
    }

    /// <summary>Waits for every started upload without throwing, so none outlives a failed capture's marker.</summary>
    public Task DrainAsync()
    {
        Task[] uploads;
        lock (_lock) uploads = [.. _uploads];
        return Task.WhenAll(uploads);
    }

    async Task<long> UploadAsync(string hash, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        byte[] encoded = ChunkCodec.Encode(content.Span);
        try
        {
            await blobs.Chunk(hash).UploadAsync(new BinaryData(encoded), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Another capture stored the same content a moment ago.
        }

        return encoded.Length;
    }
}
