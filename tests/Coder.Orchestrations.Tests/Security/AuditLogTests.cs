using Coder.Orchestrations.Audit;
using Coder.Orchestrations.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Tests.Security;

/// <summary>The Audit table against Azurite: rows by day, read back by time range, newest first.</summary>
[Collection(StorageCollection.Name)]
public sealed class AuditLogTests(TestStorage storage)
{
    [Fact]
    public async Task Record_ThenQueryByRange_NewestFirst_AcrossDays()
    {
        var time = new ManualTime(DateTimeOffset.Parse("2026-05-01T23:59:58Z", System.Globalization.CultureInfo.InvariantCulture));
        var tables = await StorageFactory.CreateTablesAsync(storage);
        var audit = new AuditLog(tables, time, NullLogger<AuditLog>.Instance);
        var start = time.Now;

        Assert.Empty((await audit.QueryAsync(start.AddDays(-1), start, 100, CancellationToken.None)).Items);
        await audit.RecordAsync(new AuditEntry("user:alice", "POST workspaces", "workspaces/ws-1", AuditResults.Succeeded, "req-1", 202), CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(3));
        await audit.RecordAsync(new AuditEntry("reconciler", "reconcile.restart", "workspaces/ws-1", AuditResults.Succeeded, Detail: "agent gone"), CancellationToken.None);
        time.Advance(TimeSpan.FromHours(2));
        await audit.RecordAsync(new AuditEntry("user:bob", "DELETE workspaces/*", "workspaces/ws-2", AuditResults.Rejected, "req-3", 404), CancellationToken.None);

        var all = (await audit.QueryAsync(start.AddMinutes(-1), time.Now, 100, CancellationToken.None)).Items;
        Assert.Equal(["user:bob", "reconciler", "user:alice"], all.Select(i => i.Actor));
        Assert.Equal("req-1", all[2].RequestId);
        Assert.Equal(202, all[2].Status);
        Assert.Equal(start, all[2].At);

        var window = (await audit.QueryAsync(start.AddSeconds(1), start.AddHours(1), 100, CancellationToken.None)).Items;
        Assert.Equal(["reconciler"], window.Select(i => i.Actor));
        Assert.Single((await audit.QueryAsync(start.AddMinutes(-1), time.Now, 1, CancellationToken.None)).Items);
    }

    [Fact]
    public async Task FailedAuthentications_AreOneCountedRowPerAddressAndMinute_EvenWhenConcurrent()
    {
        var time = new ManualTime(DateTimeOffset.Parse("2026-05-02T10:00:10Z", System.Globalization.CultureInfo.InvariantCulture));
        var audit = new AuditLog(await StorageFactory.CreateTablesAsync(storage), time, NullLogger<AuditLog>.Instance);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => audit.RecordFailedAuthenticationAsync("203.0.113.9", $"req-{i}", CancellationToken.None)));
        await audit.RecordFailedAuthenticationAsync("198.51.100.1", "req-other", CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(1));
        await audit.RecordFailedAuthenticationAsync("203.0.113.9", "req-next-minute", CancellationToken.None);

        var rows = (await audit.QueryAsync(time.Now.AddHours(-1), time.Now, 100, "address:203.0.113.9", null, CancellationToken.None)).Items;
        Assert.Equal([1, 8], rows.Select(r => r.Count ?? 0));
        Assert.All(rows, r => Assert.Equal(AuditLog.FailedAuthenticationAction, r.Action));
        Assert.Equal(DateTimeOffset.Parse("2026-05-02T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture), rows[1].At);
    }

    [Fact]
    public async Task AFloodOfFailedAuthentications_IsCountedInFull_WithAFewWritesPerInstance_NotOneEach()
    {
        // Two instances on one storage, 300 failures from one address in one minute, all at once: before the tally, each
        // was its own conditional write of the same row, queued behind the others (the fuzz test's 1,930 401s took 252 s).
        var time = new ManualTime(DateTimeOffset.Parse("2026-05-02T11:00:10Z", System.Globalization.CultureInfo.InvariantCulture));
        string prefix = TestStorage.NewPrefix();
        var recorder = new StorageCalls.StorageCallRecorder(prefix, storage.ConnectionString);
        var services = new ServiceCollection().AddSingleton(new StoragePipelinePolicies([recorder])).BuildServiceProvider();
        var tables = new CoderTables(new StorageClientFactory(Options.Create(new CoderStorageOptions { ConnectionString = storage.ConnectionString, Prefix = prefix }), services));
        await tables.EnsureCreatedAsync(CancellationToken.None);
        var here = new AuditLog(tables, time, NullLogger<AuditLog>.Instance);
        var there = new AuditLog(tables, time, NullLogger<AuditLog>.Instance);
        await here.RecordFailedAuthenticationAsync("192.0.2.7", "req-first", CancellationToken.None); // creates the table

        recorder.Start();
        await Task.WhenAll(Enumerable.Range(0, 300).Select(i => Task.Run(() => (i % 2 == 0 ? here : there).RecordFailedAuthenticationAsync("192.0.2.7", $"req-{i}", CancellationToken.None))));
        var calls = recorder.Stop();

        var rows = (await here.QueryAsync(time.Now.AddHours(-1), time.Now, 100, "address:192.0.2.7", null, CancellationToken.None)).Items;
        Assert.Equal(301, Assert.Single(rows).Count);
        int writes = calls.Where(c => c.Key.StartsWith("Table Audit ", StringComparison.Ordinal) && !c.Key.EndsWith(" read", StringComparison.Ordinal)).Sum(c => c.Value);
        Assert.InRange(writes, 2, 40);
    }

    [Fact]
    public async Task Query_PagesWithAContinuationToken_AcrossDays_AndFiltersByActor()
    {
        var time = new ManualTime(DateTimeOffset.Parse("2026-05-03T23:59:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var audit = new AuditLog(await StorageFactory.CreateTablesAsync(storage), time, NullLogger<AuditLog>.Instance);
        var start = time.Now;
        for (int i = 0; i < 5; i++)
        {
            await audit.RecordAsync(new AuditEntry(i % 2 == 0 ? "user:alice" : "user:bob", "POST workspaces", "workspaces", AuditResults.Succeeded, $"req-{i}", 202), CancellationToken.None);
            time.Advance(TimeSpan.FromSeconds(30)); // the day changes after the second row
        }

        var seen = new List<string?>();
        string? next = null;
        do
        {
            var page = await audit.QueryAsync(start, time.Now, 2, null, next, CancellationToken.None);
            Assert.InRange(page.Items.Count, 0, 2);
            seen.AddRange(page.Items.Select(i => i.RequestId));
            next = page.ContinuationToken;
        }
        while (next is not null && seen.Count < 10);
        Assert.Equal(["req-4", "req-3", "req-2", "req-1", "req-0"], seen);

        var alice = await audit.QueryAsync(start, time.Now, 100, "user:alice", null, CancellationToken.None);
        Assert.Equal(["req-4", "req-2", "req-0"], alice.Items.Select(i => i.RequestId));
        Assert.Null(alice.ContinuationToken);

        var bad = await Assert.ThrowsAsync<Coder.Orchestrations.Common.CoderProblemException>(() => audit.QueryAsync(start, time.Now, 2, null, "bm90IG91cnM", CancellationToken.None));
        Assert.Contains("continuationToken", bad.Errors!.Keys);
    }

    [Theory]
    [InlineData(200, AuditResults.Succeeded)]
    [InlineData(304, AuditResults.Succeeded)]
    [InlineData(404, AuditResults.Rejected)]
    [InlineData(429, AuditResults.Rejected)]
    [InlineData(503, AuditResults.Failed)]
    public void ForStatus_NamesTheOutcome(int status, string result) => Assert.Equal(result, AuditResults.ForStatus(status));
}
