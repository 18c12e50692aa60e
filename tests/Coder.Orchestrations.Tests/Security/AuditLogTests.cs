using Coder.Orchestrations.Audit;
using Microsoft.Extensions.Logging.Abstractions;

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

    [Theory]
    [InlineData(200, AuditResults.Succeeded)]
    [InlineData(304, AuditResults.Succeeded)]
    [InlineData(404, AuditResults.Rejected)]
    [InlineData(429, AuditResults.Rejected)]
    [InlineData(503, AuditResults.Failed)]
    public void ForStatus_NamesTheOutcome(int status, string result) => Assert.Equal(result, AuditResults.ForStatus(status));
}
