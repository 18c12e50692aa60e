using System.Diagnostics;
using Coder.EndToEnd.Tests.Infrastructure;
using Coder.Orchestrations.Provisioning.Local;
using Xunit.Abstractions;
using Coder.EndToEnd.Tests.Upgrades;

namespace Coder.EndToEnd.Tests.Reconciliation;

/// <summary>
/// Drift on a real local host with a short reconcile period: an agent killed from outside comes back through the
/// reconciler, and a stray agent nobody owns is destroyed once its grace period is over.
/// </summary>
[Collection(TimingSensitiveCollection.Name)]
public sealed class ReconcileDriftTests(TestStorage storage, ITestOutputHelper output) : OwnHostTestBase(new LocalHostProcess(storage.ConnectionString, extraEnvironment: Settings))
{
    const int PeriodSeconds = 10;
    const int OrphanGraceSeconds = 6;

    static Dictionary<string, string> Settings => new()
    {
        ["CODER_RECONCILE_SCHEDULE"] = $"*/{PeriodSeconds} * * * * *",
        ["Coder__Reconcile__OrphanGraceSeconds"] = OrphanGraceSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task AgentKilledFromOutside_ReconcilerRunsTheWorkspaceAgainWithANewAgentAndSaysWhy()
    {
        using var api = Host.Admin();
        await api.CreateTemplateAsync(Templates.Local("drift"));
        string id = await api.CreateWorkspaceAsync("dev", "drift");
        await api.WaitForStatusAsync(id, "running", TimeSpan.FromSeconds(60));
        int oldPid = Assert.Single(AgentProcesses.Under(Host.DataDirectory, id)).Pid;

        var killedAt = DateTimeOffset.UtcNow;
        Process.GetProcessById(oldPid).Kill();

        // The workspace reads "running" throughout (nobody told the control plane), so wait for the new agent and ready.
        (string? Status, string? Lifecycle, IReadOnlyList<(int Pid, string WorkspaceId)> Agents) running;
        try
        {
            running = await Eventually.WaitAsync(async () =>
            {
                var ws = (await api.GetAsync($"/api/workspaces/{id}")).Json;
                var agents = AgentProcesses.Under(Host.DataDirectory, id);
                return (Status: (string?)ws["status"], Lifecycle: (string?)ws["agent"]?["lifecycle"], Agents: agents);
            }, s => s.Status == "running" && s.Lifecycle == "ready" && s.Agents.Count == 1 && s.Agents[0].Pid != oldPid, TimeSpan.FromSeconds(120), "a new agent to be ready", TimeSpan.FromMilliseconds(250));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\nTimeline: {(await api.GetAsync($"/api/workspaces/{id}/events?max=1000")).Body}\nHost output:\n{Host.Output}", e);
        }

        var runningAgainAt = DateTimeOffset.UtcNow;
        output.WriteLine($"decided and running again {(runningAgainAt - killedAt).TotalSeconds:0.0} s after the kill (period {PeriodSeconds} s)");

        var events = (await api.GetAsync($"/api/workspaces/{id}/events?max=1000")).Json["items"]!.AsArray();
        var decision = Assert.Single(events, e => (string?)e!["kind"] == "reconcile.reprovision")!;
        Assert.Equal("resource_missing", (string?)decision["reason"]);
        Assert.Equal("reconciler", (string?)decision["actor"]);
        Assert.Contains("compute is gone", (string?)decision["message"], StringComparison.Ordinal);
        Assert.Contains(events, e => (string?)e!["kind"] == "start.succeeded" && (string?)e["reason"] == "resource_missing");

        // The issue's bound: within 2 reconcile periods of the kill the workspace runs again with a new agent.
        var decidedAt = decision["at"]!.GetValue<DateTimeOffset>();
        Assert.InRange((decidedAt - killedAt).TotalSeconds, 0, 2 * PeriodSeconds);
        Assert.InRange((runningAgainAt - killedAt).TotalSeconds, 0, 2 * PeriodSeconds);
        Assert.True(runningAgainAt > decidedAt);
        Assert.NotEqual(oldPid, running.Agents[0].Pid);
    }

    [Fact]
    public async Task ComputeAndContentGone_ReconcilerReprovisionsFromTheLatestSnapshot()
    {
        using var api = Host.Admin();
        await api.CreateTemplateAsync(Templates.Local("drift-snap"));
        string id = await api.CreateWorkspaceAsync("lost", "drift-snap");
        await api.WaitForStatusAsync(id, "running", TimeSpan.FromSeconds(60));
        string dir = Path.Combine(Host.DataDirectory, "workspaces", id);
        await File.WriteAllTextAsync(Path.Combine(dir, "kept.txt"), "in the snapshot");
        var snap = await api.PostAsync($"/api/workspaces/{id}/snapshots", """{"label":"before-loss"}""");
        Assert.Equal(System.Net.HttpStatusCode.Accepted, snap.Status);
        string snapshotId = snap.Json["snapshotId"]!.GetValue<string>();
        Assert.Equal("succeeded", (string?)(await api.WaitForOperationAsync(snap.Json["operation"]!["statusUrl"]!.GetValue<string>(), TimeSpan.FromSeconds(60)))["status"]);
        await File.WriteAllTextAsync(Path.Combine(dir, "after.txt"), "written after the snapshot, lost with the disk");

        // The compute dies and takes its disk with it.
        int oldPid = Assert.Single(AgentProcesses.Under(Host.DataDirectory, id)).Pid;
        Process.GetProcessById(oldPid).Kill();
        await Eventually.WaitAsync(() => !AgentProcesses.IsAlive(oldPid), TimeSpan.FromSeconds(10), "the agent to be gone");
        Directory.Delete(dir, recursive: true);

        await Eventually.WaitAsync(async () =>
        {
            var ws = (await api.GetAsync($"/api/workspaces/{id}")).Json;
            var agents = AgentProcesses.Under(Host.DataDirectory, id);
            return (string?)ws["status"] == "running" && (string?)ws["agent"]?["lifecycle"] == "ready" && agents.Count == 1 && agents[0].Pid != oldPid;
        }, ok => ok, TimeSpan.FromSeconds(120), "the workspace to run again", TimeSpan.FromMilliseconds(250));

        Assert.Equal("in the snapshot", await File.ReadAllTextAsync(Path.Combine(dir, "kept.txt")));
        Assert.False(File.Exists(Path.Combine(dir, "after.txt")));
        var events = (await api.GetAsync($"/api/workspaces/{id}/events?max=1000")).Json["items"]!.AsArray();
        var decision = Assert.Single(events, e => (string?)e!["kind"] == "reconcile.reprovision")!;
        Assert.Equal("resource_missing", (string?)decision["reason"]);
        Assert.Contains(snapshotId, (string?)decision["message"], StringComparison.Ordinal);
        var restored = Assert.Single(events, e => (string?)e!["kind"] == "start.content-restored")!;
        Assert.Equal("content_lost", (string?)restored["reason"]);
        Assert.Contains(snapshotId, (string?)restored["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task StrayAgentTaggedWithAnUnknownWorkspace_IsDestroyedAfterTheGracePeriod()
    {
        string strayId = "ws-stray" + Guid.NewGuid().ToString("N")[..8];
        string dir = Path.Combine(Host.DataDirectory, "workspaces", strayId);
        Directory.CreateDirectory(dir);

        // A real agent, tagged the way the local provisioner tags its own, for a workspace no row knows about.
        string scope = LocalProcessProvisioner.ScopeFor(Host.DataDirectory);
        var psi = new ProcessStartInfo("setsid") { UseShellExecute = false, WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("dotnet");
        psi.ArgumentList.Add(BuildOutputs.AgentDll);
        psi.Environment[LocalProcessProvisioner.ScopeVariable] = scope;
        psi.Environment["CODER_WORKSPACE_ID"] = strayId;
        psi.Environment["CODER_AGENT_ID"] = strayId + "-bstray-r0";
        psi.Environment["CODER_AGENT_TOKEN"] = "cdr_agent_not-a-real-token";
        psi.Environment["CODER_AGENT_TRANSPORT"] = "http";
        psi.Environment["CODER_URL"] = Host.BaseUrl;
        psi.Environment["CODER_WORKSPACE_DIR"] = dir;
        var startedAt = DateTimeOffset.UtcNow;
        using var launcher = Process.Start(psi)!;
        var stray = await Eventually.WaitAsync(() => Task.FromResult(AgentProcesses.Under(Host.DataDirectory, strayId)), a => a.Count == 1, TimeSpan.FromSeconds(20), "the stray agent to run");
        int pid = stray[0].Pid;

        var records = new ReconcileRecords(storage.ConnectionString, Host.Prefix);
        await Eventually.WaitAsync(() => records.OrphanSeenAsync(strayId), seen => seen, TimeSpan.FromSeconds(30), "the reconciler to notice the orphan");
        Assert.True(AgentProcesses.IsAlive(pid), "The orphan must survive its grace period.");

        await Eventually.WaitAsync(() => !AgentProcesses.IsAlive(pid), TimeSpan.FromSeconds(OrphanGraceSeconds + 30), "the orphan to be destroyed");
        var destroyedAt = DateTimeOffset.UtcNow;

        Assert.True((destroyedAt - startedAt).TotalSeconds >= OrphanGraceSeconds, $"destroyed after {(destroyedAt - startedAt).TotalSeconds:0.0} s, before the {OrphanGraceSeconds} s grace period");

        // The entry is written once the destroy finished (processes, then the folder).
        var timeline = await Eventually.WaitAsync(() => records.TimelineAsync(strayId), t => t.Any(e => e.Kind == "reconcile.destroy_orphan"), TimeSpan.FromSeconds(30), "the destroy to be recorded");
        Assert.False(Directory.Exists(dir));
        var entry = Assert.Single(timeline, e => e.Kind == "reconcile.destroy_orphan");
        Assert.Equal("orphan_resource", entry.Reason);
        Assert.Contains(strayId, entry.Message, StringComparison.Ordinal);
    }
}
