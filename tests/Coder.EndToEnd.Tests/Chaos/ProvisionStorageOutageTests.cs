using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Chaos;

/// <summary>
/// Azurite stopped for 30 s in the middle of a provision (the startup script is still running), then started again on the
/// same data and ports: the provision completes once, the operation slot is released, and every agent event, including
/// the log lines written while storage was down, reaches the timeline exactly once.
/// </summary>
[ExpectedSeconds(85)]
public sealed class ProvisionStorageOutageTests : OwnAzuriteHostTestBase
{
    // The script logs, then waits for "go" (created once storage is down, so its next lines are posted into the outage),
    // then for "release" (created once storage is back), so the whole window lands inside the provision.
    const string Script = "echo chaos-before; touch waiting; while [ ! -f go ]; do sleep 0.2; done; echo chaos-during-1; echo chaos-during-2; "
        + "while [ ! -f release ]; do sleep 0.2; done; echo chaos-after";

    [Fact]
    public async Task AzuriteDown30sDuringProvision_CompletesOnce_ReleasesTheSlot_LosesNoAgentEvent()
    {
        using var api = Host.Admin();
        await api.CreateTemplateAsync(Templates.Local("chaos-provision", Script));
        string id = await api.CreateWorkspaceAsync("chaos", "chaos-provision");
        string folder = Path.Combine(Host.DataDirectory, "workspaces", id);
        await Eventually.WaitAsync(() => File.Exists(Path.Combine(folder, "waiting")), TimeSpan.FromSeconds(60), "the startup script to be running");
        Assert.NotEqual("running", (string?)(await api.GetAsync($"/api/workspaces/{id}")).Json["status"]);

        await StorageOutage.HoldAsync(Azurite, Host, () => File.WriteAllTextAsync(Path.Combine(folder, "go"), ""));
        await File.WriteAllTextAsync(Path.Combine(folder, "release"), "");

        await api.WaitForSettledAsync(id, "running", TimeSpan.FromSeconds(90));
        Assert.Single(AgentProcesses.Under(Host.DataDirectory, id));
        var timeline = await Eventually.WaitAsync(() => TimelineAsync(api, id), t => t.Any(e => e.Message.Contains("chaos-after", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "the last log line on the timeline");
        var kinds = timeline.Select(e => e.Kind).ToList();
        Assert.Equal(1, kinds.Count(k => k == "provision.started"));
        Assert.Equal(1, kinds.Count(k => k == "provision.succeeded"));
        Assert.DoesNotContain("provision.failed", kinds);
        foreach (string line in new[] { "chaos-before", "chaos-during-1", "chaos-during-2", "chaos-after" })
            Assert.Single(timeline, e => e.Kind == "log" && e.Message.Contains(line, StringComparison.Ordinal));
        foreach (string lifecycle in new[] { "agent.starting", "agent.ready", "script.startup" })
            Assert.Single(timeline, e => e.Kind == lifecycle);
    }

    static async Task<List<(string Kind, string Message)>> TimelineAsync(CoderApi api, string id) =>
        [.. (await api.GetAsync($"/api/workspaces/{id}/events?max=1000")).Json["items"]!.AsArray()
            .Select(e => ((string)e!["kind"]!, (string?)e["message"] ?? ""))];
}
