using Coder.Orchestrations.State;
using Coder.Orchestrations.Tests.Security;

namespace Coder.Orchestrations.Tests.State;

/// <summary>The agents row as a GET shows it: a write on this instance at once, one on another within <see cref="WorkspaceAgentStore.RecentTime"/>.</summary>
[Collection(StorageCollection.Name)]
public sealed class WorkspaceAgentStoreRecentTests(TestStorage storage)
{
    readonly ManualTime _time = new(DateTimeOffset.Parse("2026-03-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task GetRecent_ShowsAWriteHereAtOnce_AndAWriteElsewhereWithinTheRecentTime()
    {
        var tables = await StorageFactory.CreateTablesAsync(storage);
        var here = new WorkspaceAgentStore(tables, _time);
        var there = new WorkspaceAgentStore(tables, _time);
        await here.SaveAsync(new WorkspaceAgentsEntity { PartitionKey = "ws-recent", Lifecycle = "starting" }, CancellationToken.None);
        Assert.Equal("starting", (await here.GetRecentAsync("ws-recent", CancellationToken.None))!.Lifecycle);

        await there.MutateAsync("ws-recent", null, null, a =>
        {
            a.Lifecycle = "ready";
            return true;
        }, CancellationToken.None);
        Assert.Equal("starting", (await here.GetRecentAsync("ws-recent", CancellationToken.None))!.Lifecycle);
        _time.Advance(WorkspaceAgentStore.RecentTime);
        Assert.Equal("ready", (await here.GetRecentAsync("ws-recent", CancellationToken.None))!.Lifecycle);

        await here.MutateAsync("ws-recent", null, null, a =>
        {
            a.Lifecycle = "stopping";
            return true;
        }, CancellationToken.None);
        Assert.Equal("stopping", (await here.GetRecentAsync("ws-recent", CancellationToken.None))!.Lifecycle);

        // What a caller does with the row it got never changes what the next one sees.
        (await here.GetRecentAsync("ws-recent", CancellationToken.None))!.Lifecycle = "mangled";
        Assert.Equal("stopping", (await here.GetRecentAsync("ws-recent", CancellationToken.None))!.Lifecycle);
        await here.DeleteAsync("ws-recent", CancellationToken.None);
        Assert.Null(await here.GetRecentAsync("ws-recent", CancellationToken.None));
    }
}
