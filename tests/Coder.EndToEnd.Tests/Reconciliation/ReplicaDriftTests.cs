using System.Diagnostics;
using System.Net;
using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Reconciliation;

/// <summary>
/// The reconciler repairs the replica count it declares: one of three agents killed from outside is running again within
/// two reconcile periods, and the timeline says how many ran.
/// </summary>
[Collection(TimingSensitiveCollection.Name)]
public sealed class ReplicaDriftTests(TestStorage storage) : OwnHostTestBase(new LocalHostProcess(storage.ConnectionString, extraEnvironment: Settings))
{
    const int PeriodSeconds = 5;

    static Dictionary<string, string> Settings => new()
    {
        ["CODER_RECONCILE_SCHEDULE"] = $"*/{PeriodSeconds} * * * * *",
    };

    [Fact]
    public async Task OneOfThreeReplicasKilled_IsRunningAgainWithinTwoPeriods_AndTheTimelineSaysHowManyRan()
    {
        using var api = Host.Admin();
        await api.CreateTemplateAsync(Templates.Local("trio", maxReplicas: 3));
        var created = await api.PostAsync("/api/workspaces", """{"name":"trio","template":"trio","replicas":3}""");
        Assert.Equal(HttpStatusCode.Accepted, created.Status);
        string id = (string)created.Json["id"]!;
        await api.WaitForSettledAsync(id, "running", TimeSpan.FromSeconds(90));
        var agents = AgentProcesses.Under(Host.DataDirectory, id);
        Assert.Equal(3, agents.Count);

        var killedAt = DateTimeOffset.UtcNow;
        int victim = agents[1].Pid;
        Process.GetProcessById(victim).Kill();

        var decision = await Eventually.WaitAsync(async () => (await api.GetAsync($"/api/workspaces/{id}/events?max=1000")).Json["items"]!.AsArray()
                .FirstOrDefault(e => (string?)e!["kind"] == "reconcile.reprovision"),
            e => e is not null, TimeSpan.FromSeconds(4 * PeriodSeconds), "the reconciler to notice the missing replica");
        Assert.Equal("replica_missing", (string?)decision!["reason"]);
        Assert.Contains("declares 3 replica(s), but only 2 run", (string?)decision["message"], StringComparison.Ordinal);
        Assert.InRange((decision["at"]!.GetValue<DateTimeOffset>() - killedAt).TotalSeconds, 0, 2 * PeriodSeconds);

        // Three agents run again and the workspace is ready: converged, so the reconciler decides nothing more.
        await Eventually.WaitAsync(async () =>
        {
            var ws = (await api.GetAsync($"/api/workspaces/{id}")).Json;
            return (Status: (string?)ws["status"], Operation: ws["operation"], Agents: AgentProcesses.Under(Host.DataDirectory, id));
        }, s => s.Status == "running" && s.Operation is null && s.Agents.Count == 3 && s.Agents.All(a => a.Pid != victim), TimeSpan.FromSeconds(90), "three replicas to run again", TimeSpan.FromMilliseconds(250));
        var events = (await api.GetAsync($"/api/workspaces/{id}/events?max=1000")).Json["items"]!.AsArray();
        Assert.Contains(events, e => (string?)e!["kind"] == "start.succeeded" && (string?)e["reason"] == "replica_missing");
        Assert.Equal(3, (int)(await api.GetAsync($"/api/workspaces/{id}")).Json["replicas"]!);
    }
}
