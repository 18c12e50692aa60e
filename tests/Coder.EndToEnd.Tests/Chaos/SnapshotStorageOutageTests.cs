using Coder.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Coder.EndToEnd.Tests.Chaos;

/// <summary>
/// Azurite stopped for 30 s while a snapshot uploads, then started again on the same data and ports: the snapshot ends
/// once (ready and complete, or failed without a manifest), its one row is settled, and the workspace's operation slot is free.
/// </summary>
[ExpectedSeconds(95)]
public sealed class SnapshotStorageOutageTests(ITestOutputHelper output) : OwnAzuriteHostTestBase
{
    [Fact]
    public async Task AzuriteDown30sDuringSnapshotUpload_SnapshotEndsOnceAndCleanly_SlotReleased()
    {
        using var api = Host.Admin();
        var store = new SnapshotStoreProbe(Azurite.ConnectionString, Host.Prefix);
        string id = await SnapshotUnderway.CreateBulkyWorkspaceAsync(api, Host, "chaos-snapshot");

        var snapshot = await SnapshotUnderway.StartAsync(api, id, store);
        await StorageOutage.HoldAsync(Azurite, Host, () => Task.CompletedTask);

        var row = await snapshot.WaitForCleanEndAsync(api, store, TimeSpan.FromSeconds(90));
        output.WriteLine($"storage stopped with {snapshot.ChunksStored} chunks stored and no manifest; the snapshot ended {(string?)row["status"]}: {row.ToJsonString()}");
        if ((string?)row["status"] == "ready")
        {
            // Ready means complete: every chunk its manifest lists is in the store.
            Assert.Subset((await store.ChunksAsync()).ToHashSet(StringComparer.Ordinal), await store.ReferencedChunksAsync(snapshot.SnapshotId));
        }
    }
}
