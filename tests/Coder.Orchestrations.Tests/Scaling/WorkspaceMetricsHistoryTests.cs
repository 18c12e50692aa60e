using Coder.Orchestrations.Agents.Metrics;
using Coder.Orchestrations.Scaling;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Tests.Scaling;

/// <summary>The metrics history on real Table Storage (Azurite).</summary>
[Collection(StorageCollection.Name)]
public sealed class WorkspaceMetricsHistoryTests(TestStorage storage)
{
    static WorkspaceMetricsHistory Create(Coder.Orchestrations.State.CoderTables tables, int bucketSeconds = 60, int buckets = 1440) =>
        new(tables, Options.Create(new MetricsHistoryOptions { BucketSeconds = bucketSeconds, Buckets = buckets }), TimeProvider.System);

    [Fact]
    public async Task RecordAsync_ConcurrentReplicas_AllSamplesLandInTheirBucket()
    {
        var history = Create(await StorageFactory.CreateTablesAsync(storage));
        var at = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 * 60);

        // Two replicas report 10 samples each at once: the ETag retry must fold every one in.
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            history.RecordAsync("ws-a", new MetricSample(at.AddSeconds(i % 50), i % 2 == 0 ? 20 : 80, 50, i % 3, 0, 2, 1024), CancellationToken.None)));

        var bucket = Assert.Single(await history.ReadAsync("ws-a", TimeSpan.FromHours(1), CancellationToken.None));
        Assert.Equal(at, bucket.Start);
        Assert.Equal(20, bucket.Samples);
        Assert.Equal(50, bucket.CpuPercent, 3);
        Assert.Equal(80, bucket.CpuPercentMax, 3);
        Assert.Equal(2, bucket.SessionsMax);
        Assert.Equal(2, bucket.Cpu);
    }

    [Fact]
    public async Task RecordAsync_KeepsBucketsInOrderAndDropsWhatIsOlderThanTheRetention()
    {
        var history = Create(await StorageFactory.CreateTablesAsync(storage), bucketSeconds: 10, buckets: 6);
        var now = DateTimeOffset.UtcNow;

        await history.RecordAsync("ws-b", new MetricSample(now, 10, 10, 0, 0, 1, 512), CancellationToken.None);
        await history.RecordAsync("ws-b", new MetricSample(now.AddSeconds(-30), 30, 10, 0, 0, 1, 512), CancellationToken.None);
        await history.RecordAsync("ws-b", new MetricSample(now.AddSeconds(-15), 15, 10, 0, 1, 1, 512), CancellationToken.None);
        await history.RecordAsync("ws-b", new MetricSample(now.AddSeconds(-300), 99, 10, 0, 0, 1, 512), CancellationToken.None);

        var buckets = await history.ReadAsync("ws-b", TimeSpan.FromMinutes(10), CancellationToken.None);
        Assert.Equal([30.0, 15.0, 10.0], buckets.Select(b => b.CpuPercent));
        Assert.Equal(1, buckets[1].OomKills);
        Assert.Single(await history.ReadAsync("ws-b", TimeSpan.FromSeconds(5), CancellationToken.None));
    }

    [Fact]
    public void Codec_RoundTripsAFullDayInOneTableProperty()
    {
        var start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var buckets = Enumerable.Range(0, 1440).Select(i => new MetricBucket(start.AddMinutes(i), 2, i % 100, 100, 40.5, 41, 3, i / 100, 1.5, 2048)).ToList();

        byte[] data = MetricsHistoryCodec.Encode(buckets);

        Assert.True(data.Length <= 64 * 1024, $"{data.Length} bytes");
        Assert.Equal(buckets, MetricsHistoryCodec.Decode(data));
    }
}
