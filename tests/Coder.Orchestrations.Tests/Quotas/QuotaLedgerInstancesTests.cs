using Coder.Contracts.Quotas;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Quotas;
using Coder.Orchestrations.Tests.Security;

namespace Coder.Orchestrations.Tests.Quotas;

/// <summary>
/// Two ledgers on one table, as two instances of the control plane: what each remembers (the limits for a bounded
/// time, the usage row under its ETag) never lets a reservation past a limit, and a limit changed on one instance
/// applies on the other within <see cref="QuotaLedger.LimitsCacheTime"/>.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class QuotaLedgerInstancesTests(TestStorage storage)
{
    static readonly QuotaReservation Small = new(1, 1024, 1, Running: true);
    readonly ManualTime _time = new(DateTimeOffset.Parse("2026-03-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task AReservationMadeElsewhere_IsCountedHere_ThoughThisInstanceRemembersAnOlderUsageRow()
    {
        var tables = await StorageFactory.CreateTablesAsync(storage);
        var here = new QuotaLedger(tables, _time);
        var there = new QuotaLedger(tables, _time);
        await here.SetLimitsAsync("alice", new QuotaLimits(MaxWorkspaces: 2), "user:admin", CancellationToken.None);
        await here.ReserveAsync("alice", "ws-a", Small, CancellationToken.None);

        // There takes the last slot; here still remembers the row with one reservation, under an ETag that is now stale.
        await there.ReserveAsync("alice", "ws-b", Small, CancellationToken.None);
        var refusal = await Assert.ThrowsAsync<CoderProblemException>(() => here.ReserveAsync("alice", "ws-c", Small, CancellationToken.None));
        Assert.Equal(403, refusal.Status);
        Assert.Contains("2 workspaces are in use", refusal.Detail);

        // A release elsewhere frees the slot for here, whatever here remembers: its memory is only a guess the write checks.
        await there.ReleaseAsync("alice", "ws-b", CancellationToken.None);
        await here.ReserveAsync("alice", "ws-c", Small, CancellationToken.None);
        Assert.Equal(2, (await there.UsageAsync("alice", CancellationToken.None)).Workspaces);
    }

    [Fact]
    public async Task ALimitChangedElsewhere_AppliesHereWithinTheLimitsCacheTime_AndAChangeHereAtOnce()
    {
        var tables = await StorageFactory.CreateTablesAsync(storage);
        var here = new QuotaLedger(tables, _time);
        var there = new QuotaLedger(tables, _time);
        await here.ReserveAsync("bob", "ws-a", Small, CancellationToken.None);

        await there.SetLimitsAsync(QuotaLimitsEntity.DefaultOwner, new QuotaLimits(MaxWorkspaces: 1), "user:admin", CancellationToken.None);
        Assert.Null((await here.LimitsAsync("bob", CancellationToken.None)).MaxWorkspaces);
        _time.Advance(QuotaLedger.LimitsCacheTime);
        Assert.Equal(1, (await here.LimitsAsync("bob", CancellationToken.None)).MaxWorkspaces);
        await Assert.ThrowsAsync<CoderProblemException>(() => here.ReserveAsync("bob", "ws-b", Small, CancellationToken.None));

        await here.SetLimitsAsync("bob", new QuotaLimits(MaxWorkspaces: 5), "user:admin", CancellationToken.None);
        await here.ReserveAsync("bob", "ws-b", Small, CancellationToken.None);
    }
}
