using System.Diagnostics.Metrics;
using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Tests.Security;

/// <summary>Agent tokens against real tables, with the rejection metric observed through a MeterListener.</summary>
[Collection(StorageCollection.Name)]
public sealed class AgentTokenServiceTests(TestStorage storage)
{
    [Fact]
    public async Task FindForWorkspace_TokenOfAnotherWorkspace_IsRefusedAndCounted()
    {
        using var provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = provider.GetRequiredService<IMeterFactory>();
        using var metrics = new SecurityMetrics(meterFactory);
        var tables = await StorageFactory.CreateTablesAsync(storage);
        var service = new AgentTokenService(tables, TimeProvider.System, metrics, Options.Create(new SecurityOptions()), NullLogger<AgentTokenService>.Instance);

        var counted = new List<(long Value, string? Reason)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meterFactory && instrument.Name == SecurityMetrics.AgentTokenRejectedName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) => counted.Add((value, tags.ToArray().FirstOrDefault(t => t.Key == "reason").Value as string)));
        listener.Start();

        string tokenA = await service.IssueAsync("ws-aaaaaaaaaaaa", "alice", "b1", 1, CancellationToken.None);
        await service.IssueAsync("ws-bbbbbbbbbbbb", "bob", "b1", 1, CancellationToken.None);

        Assert.NotNull(await service.FindForWorkspaceAsync(tokenA, "ws-aaaaaaaaaaaa", CancellationToken.None));
        Assert.Empty(counted);
        Assert.Null(await service.FindForWorkspaceAsync(tokenA, "ws-bbbbbbbbbbbb", CancellationToken.None));
        Assert.Equal([(1L, "other_workspace")], counted);

        // Unknown tokens and API tokens are simply unknown: nothing to attribute, nothing counted as spoofing.
        Assert.Null(await service.FindForWorkspaceAsync("cda_unknown", "ws-bbbbbbbbbbbb", CancellationToken.None));
        Assert.Null(await service.FindForWorkspaceAsync("cdr_api-token", "ws-bbbbbbbbbbbb", CancellationToken.None));
        Assert.Single(counted);

        service.ReportStaleBuild("ws-aaaaaaaaaaaa");
        Assert.Equal((1L, "replaced_build"), counted[^1]);
    }

    [Fact]
    public async Task Issue_StoresOnlyTheHash_AndEachBuildGetsANewToken()
    {
        using var provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var metrics = new SecurityMetrics(provider.GetRequiredService<IMeterFactory>());
        var tables = await StorageFactory.CreateTablesAsync(storage);
        var service = new AgentTokenService(tables, TimeProvider.System, metrics, Options.Create(new SecurityOptions()), NullLogger<AgentTokenService>.Instance);

        string first = await service.IssueAsync("ws-cccccccccccc", "carol", "b1", 1, CancellationToken.None);
        string second = await service.IssueAsync("ws-cccccccccccc", "carol", "b2", 1, CancellationToken.None);
        Assert.NotEqual(first, second);
        Assert.StartsWith("cda_", first, StringComparison.Ordinal);
        Assert.Equal("b1", (await service.FindAsync(first, CancellationToken.None))!.BuildId);
        Assert.Equal("b2", (await service.FindAsync(second, CancellationToken.None))!.BuildId);
        await foreach (var row in tables.AgentTokens.QueryAsync<Azure.Data.Tables.TableEntity>())
        {
            Assert.All(row.Select(p => p.Value).Append(row.PartitionKey), v => Assert.DoesNotContain(first[4..], v?.ToString() ?? "", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Find_AMissIsNotCached_ATokenStoredAfterwardsIsFound()
    {
        using var provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var metrics = new SecurityMetrics(provider.GetRequiredService<IMeterFactory>());
        var tables = await StorageFactory.CreateTablesAsync(storage);
        var service = new AgentTokenService(tables, TimeProvider.System, metrics, Options.Create(new SecurityOptions()), NullLogger<AgentTokenService>.Instance);
        string token = TokenHasher.NewToken(AgentTokenService.TokenPrefix);

        Assert.Null(await service.FindAsync(token, CancellationToken.None));
        await tables.AgentTokens.AddEntityAsync(new Coder.Orchestrations.State.AgentTokenEntity { PartitionKey = TokenHasher.Hash(token), WorkspaceId = "ws-dddddddddddd", Owner = "dave", BuildId = "b1" });

        Assert.Equal("ws-dddddddddddd", (await service.FindAsync(token, CancellationToken.None))?.WorkspaceId);
        Assert.Equal("ws-dddddddddddd", (await service.FindForWorkspaceAsync(token, "ws-dddddddddddd", CancellationToken.None))?.WorkspaceId);
        Assert.Null(await service.FindForWorkspaceAsync(token, "ws-eeeeeeeeeeee", CancellationToken.None));
    }

    [Fact]
    public async Task RevokeWorkspace_RefusesEveryTokenOfIt_AtOnceHere_AndOnAnotherInstanceOnceItsCacheExpires()
    {
        using var provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var metrics = new SecurityMetrics(provider.GetRequiredService<IMeterFactory>());
        var tables = await StorageFactory.CreateTablesAsync(storage);
        var time = new ManualTime(DateTimeOffset.UtcNow);
        var here = new AgentTokenService(tables, time, metrics, Options.Create(new SecurityOptions()), NullLogger<AgentTokenService>.Instance);
        var there = new AgentTokenService(tables, time, metrics, Options.Create(new SecurityOptions()), NullLogger<AgentTokenService>.Instance);
        string b1 = await here.IssueAsync("ws-ffffffffffff", "fay", "b1", 1, CancellationToken.None);
        string b2 = await here.IssueAsync("ws-ffffffffffff", "fay", "b2", 1, CancellationToken.None);
        string other = await here.IssueAsync("ws-gggggggggggg", "gus", "b1", 1, CancellationToken.None);
        foreach (var service in new[] { here, there })
            foreach (string token in new[] { b1, b2 }) Assert.NotNull(await service.FindAsync(token, CancellationToken.None)); // cached now

        Assert.Equal(2, await here.RevokeWorkspaceAsync("ws-ffffffffffff", CancellationToken.None));
        Assert.Equal(0, await here.RevokeWorkspaceAsync("ws-ffffffffffff", CancellationToken.None)); // a retried activity
        Assert.Null(await here.FindAsync(b1, CancellationToken.None));
        Assert.Null(await here.FindForWorkspaceAsync(b2, "ws-ffffffffffff", CancellationToken.None));
        Assert.NotNull(await here.FindAsync(other, CancellationToken.None));

        // Another instance reuses its verified row for at most TokenCacheSeconds.
        time.Advance(TimeSpan.FromSeconds(new SecurityOptions().TokenCacheSeconds + 1));
        Assert.Null(await there.FindAsync(b1, CancellationToken.None));
        Assert.Null(await there.FindAsync(b2, CancellationToken.None));

        // A token issued after the revoke (the next start's build) works.
        string b3 = await here.IssueAsync("ws-ffffffffffff", "fay", "b3", 1, CancellationToken.None);
        Assert.Equal("b3", (await there.FindAsync(b3, CancellationToken.None))?.BuildId);
    }
}
