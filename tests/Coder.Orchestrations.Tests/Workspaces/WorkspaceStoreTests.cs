using Azure;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Tests.Workspaces;

/// <summary>The store against real Table Storage (Azurite): ETags stop lost updates, and a name is claimed once.</summary>
[Collection(StorageCollection.Name)]
public sealed class WorkspaceStoreTests(TestStorage storage)
{
    static WorkspaceEntity NewWorkspace(string owner, string name) => new()
    {
        PartitionKey = owner,
        RowKey = Ids.NewWorkspaceId(),
        Name = name,
        Template = "t",
        TemplateVersion = 1,
        Cpu = 1,
        MemoryMiB = 512,
        CreatedAt = DateTimeOffset.UtcNow,
        UpdatedAt = DateTimeOffset.UtcNow,
    };

    [Fact]
    public async Task CreateAsync_SameNameConcurrently_ExactlyOneWins()
    {
        var store = new WorkspaceStore(await StorageFactory.CreateTablesAsync(storage));
        var attempts = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            try
            {
                await store.CreateAsync(NewWorkspace("alice", "same"), CancellationToken.None);
                return 201;
            }
            catch (CoderProblemException e)
            {
                return e.Status;
            }
        }));
        Assert.Equal(1, attempts.Count(s => s == 201));
        Assert.Equal(9, attempts.Count(s => s == 409));
        var (items, _) = await store.ListPageAsync("alice", null, 100, CancellationToken.None);
        Assert.Single(items);
    }

    [Fact]
    public async Task CreateAsync_SameNameForAnotherOwner_IsAllowed()
    {
        var store = new WorkspaceStore(await StorageFactory.CreateTablesAsync(storage));
        await store.CreateAsync(NewWorkspace("alice", "dev"), CancellationToken.None);
        await store.CreateAsync(NewWorkspace("bob", "dev"), CancellationToken.None);
        Assert.Equal(2, (await store.ListPageAsync(null, null, 100, CancellationToken.None)).Items.Count);
    }

    [Fact]
    public async Task MutateAsync_ConcurrentWriters_LoseNoUpdate()
    {
        var store = new WorkspaceStore(await StorageFactory.CreateTablesAsync(storage));
        var w = NewWorkspace("carol", "counter");
        await store.CreateAsync(w, CancellationToken.None);
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => store.MutateAsync("carol", w.RowKey, x => { x.OperationGeneration++; return true; }, CancellationToken.None)));
        Assert.Equal(20, (await store.GetAsync("carol", w.RowKey, CancellationToken.None))!.OperationGeneration);
    }

    [Fact]
    public async Task UpdateAsync_WithAStaleETag_Fails412()
    {
        var store = new WorkspaceStore(await StorageFactory.CreateTablesAsync(storage));
        var w = NewWorkspace("dave", "stale");
        await store.CreateAsync(w, CancellationToken.None);
        var first = (await store.GetAsync("dave", w.RowKey, CancellationToken.None))!;
        var second = (await store.GetAsync("dave", w.RowKey, CancellationToken.None))!;
        first.Status = "running";
        await store.UpdateAsync(first, CancellationToken.None);
        second.Status = "failed";
        var e = await Assert.ThrowsAsync<RequestFailedException>(() => store.UpdateAsync(second, CancellationToken.None));
        Assert.Equal(412, e.Status);
        Assert.Equal("running", (await store.GetAsync("dave", w.RowKey, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task FindAsync_ResolvesTheOwnerFromTheId_AndRejectsForeignKeys()
    {
        var store = new WorkspaceStore(await StorageFactory.CreateTablesAsync(storage));
        var w = NewWorkspace("erin", "find-me");
        await store.CreateAsync(w, CancellationToken.None);
        Assert.Equal("erin", (await store.FindAsync(w.RowKey, CancellationToken.None))!.PartitionKey);
        Assert.Null(await store.FindAsync("ws-nope", CancellationToken.None));
        Assert.Null(await store.FindAsync("../../etc", CancellationToken.None));
    }
}
