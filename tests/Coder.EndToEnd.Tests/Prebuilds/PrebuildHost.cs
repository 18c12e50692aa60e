using System.Net;
using Azure.Data.Tables;
using Coder.EndToEnd.Tests.Infrastructure;
using Coder.EndToEnd.Tests.Security;

namespace Coder.EndToEnd.Tests.Prebuilds;

/// <summary>
/// A local host of the warm-pool tests' own, reconciling every second so pools fill and refill within a few seconds.
/// Each test uses templates and users of its own; pool members are read from the pool's partition as the reconciler does.
/// </summary>
public sealed class PrebuildHost : IAsyncLifetime
{
    public const int PeriodSeconds = 1;
    public const string PoolOwner = "system:prebuilds";

    /// <summary>Room for the lost-handover test's two redeems (16 s apart).</summary>
    public const int HandoverTimeoutSeconds = 45;

    /// <summary>The stalled-handover test's own host, whose deadline it waits out: shorter, so the wait is.</summary>
    public const int ShortHandoverTimeoutSeconds = 8;

    readonly TestStorage _storage = new();

    public PrebuildHost()
        : this(HandoverTimeoutSeconds)
    {
    }

    /// <summary>A host of one test's own (not the collection's), with its own emulator and handover deadline.</summary>
    internal PrebuildHost(int handoverTimeoutSeconds) => HandoverSeconds = handoverTimeoutSeconds;

    public int HandoverSeconds { get; }

    public LocalHostProcess Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _storage.InitializeAsync();
        Host = new LocalHostProcess(_storage.ConnectionString, extraEnvironment: new Dictionary<string, string>
        {
            ["CODER_RECONCILE_SCHEDULE"] = $"*/{PeriodSeconds} * * * * *",
            ["Coder__Security__MutationsPerMinute"] = "100000",
            ["Coder__Security__MutationBurst"] = "100000",
            ["Coder__Prebuilds__HandoverTimeoutSeconds"] = HandoverSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        try
        {
            await HostStart.StartOrDisposeAsync(Host);
        }
        catch
        {
            // xunit does not dispose a fixture whose initialization threw; the emulator must not outlive it.
            await _storage.DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await _storage.DisposeAsync();
    }

    /// <summary>A client for a fresh member <paramref name="user"/>.</summary>
    public async Task<CoderApi> MemberAsync(string user) => new(Host.BaseUrl, await MemberTokenAsync(user));

    public async Task<string> MemberTokenAsync(string user)
    {
        using var admin = Host.Admin();
        var r = await admin.PostAsync("/api/tokens", $$"""{"name":"{{user}}","roles":["member"],"user":"{{user}}","expiresInDays":1}""");
        return r.Status == HttpStatusCode.Created ? (string)r.Json["token"]! : throw new InvalidOperationException($"Token creation failed: {r}");
    }

    /// <summary>The pool's live (not deleted) members of <paramref name="template"/>.</summary>
    public async Task<IReadOnlyList<PoolRow>> PoolAsync(string template)
    {
        var table = new TableClient(_storage.ConnectionString, Host.Prefix + "Workspaces");
        var rows = new List<PoolRow>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == PoolOwner))
        {
            if (!row.RowKey.StartsWith("ws-", StringComparison.Ordinal) || row.GetString("Template") != template || row.GetString("Status") == "deleted") continue;
            rows.Add(new PoolRow(row.RowKey, row.GetInt32("TemplateVersion") ?? 0, row.GetString("Status") ?? "", row.GetString("OperationId"), row.GetString("PoolClaim")));
        }

        return rows;
    }

    /// <summary>The timeline of a workspace as stored (a deleted pool member's too, which no route shows).</summary>
    public async Task<IReadOnlyList<(string Kind, string Message)>> TimelineAsync(string workspaceId)
    {
        var table = new TableClient(_storage.ConnectionString, Host.Prefix + "WorkspaceEvents");
        var entries = new List<(string, string)>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == workspaceId)) entries.Add((row.GetString("Kind") ?? "", row.GetString("Message") ?? ""));
        return entries;
    }

    /// <summary>Waits until the pool of <paramref name="template"/> holds <paramref name="count"/> ready, unclaimed members of <paramref name="version"/>.</summary>
    public async Task<IReadOnlyList<PoolRow>> WaitForReadyAsync(string template, int count, int version = 1, TimeSpan? timeout = null) =>
        (await Eventually.WaitAsync(() => PoolAsync(template),
            pool => pool.Count(m => m.IsReady && m.Version == version) == count, timeout ?? TimeSpan.FromSeconds(120),
            $"{count} ready pool member(s) of {template} v{version}", TimeSpan.FromMilliseconds(250)))
        .Where(m => m.IsReady && m.Version == version).ToList();

    /// <summary>Promotes a version <paramref name="version"/> without a pool, so the test's members go and load nothing after it.</summary>
    public async Task EmptyPoolAsync(string template, int version)
    {
        using var admin = Host.Admin();
        await admin.PostAsync($"/api/templates/{template}/versions", Template("x", 0).Replace("\"name\": \"x\",", "", StringComparison.Ordinal));
        await admin.PostAsync($"/api/templates/{template}/versions/{version}/promote", "{}");
    }

    public static string Template(string name, int instances, string startupScript = "echo built > built.txt") => $$"""
        {
          "name": "{{name}}",
          "provisioner": "local",
          "resources": { "cpu": 0.5, "memoryMiB": 256 },
          "limits": { "maxCpu": 1, "maxMemoryMiB": 1024, "maxReplicas": 1 },
          "startupScripts": [ { "name": "setup", "script": {{System.Text.Json.JsonSerializer.Serialize(startupScript)}}, "timeoutSeconds": 60, "blocksReady": true } ],
          "agent": { "heartbeatSeconds": 5, "readyTimeoutSeconds": 60 },
          "prebuilds": { "instances": {{instances}} }
        }
        """;
}
