using System.Net;
using Coder.EndToEnd.Tests.Infrastructure;
using Coder.EndToEnd.Tests.Security;

namespace Coder.EndToEnd.Tests.Reconciliation;

/// <summary>
/// An operation that stops making progress is failed and compensated after its deadline, and the user sees why: a
/// provision whose blocking startup script never finishes (its own timeout is an hour) is ended by the reconciler after
/// the host's hung-operation deadline, its agent is gone, and the timeline and the operation say what happened.
/// </summary>
[Collection(TimingSensitiveCollection.Name)]
public sealed class HungOperationTests(TestStorage storage) : OwnHostTestBase(new LocalHostProcess(storage.ConnectionString, extraEnvironment: Settings))
{
    const int PeriodSeconds = 5;
    const int HungSeconds = 12;

    static Dictionary<string, string> Settings => new()
    {
        ["CODER_RECONCILE_SCHEDULE"] = $"*/{PeriodSeconds} * * * * *",
        ["Coder__Reconcile__HungOperationSeconds"] = HungSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task AProvisionThatMakesNoProgress_IsFailedAndCompensatedAfterItsDeadline_AndTheUserSeesWhy()
    {
        using var api = Host.Admin();
        await api.CreateTemplateAsync(SecurityHost.SleepyTemplate("stuck"));
        var created = await api.PostAsync("/api/workspaces", """{"name":"stuck","template":"stuck"}""");
        Assert.Equal(HttpStatusCode.Accepted, created.Status);
        string id = (string)created.Json["id"]!;
        string operation = (string)created.Json["operation"]!["id"]!;
        await Eventually.WaitAsync(() => Task.FromResult(AgentProcesses.Under(Host.DataDirectory, id)), a => a.Count == 1, TimeSpan.FromSeconds(60), "the agent to run its blocking script");

        var failed = await api.WaitForSettledAsync(id, "failed", TimeSpan.FromSeconds(HungSeconds + 6 * PeriodSeconds));

        // Failed by the reconciler with its reason, compensated (a provision leaves nothing behind), and said on the timeline.
        // The workspace is released before its operation reads as ended (OperationCompletion), so that follows it.
        var ended = await Eventually.WaitAsync(() => api.GetAsync($"/api/operations/{operation}"), r => (string?)r.Json["status"] != "running",
            TimeSpan.FromSeconds(30), $"operation {operation} to end");
        Assert.Equal("failed", (string?)ended.Json["status"]);
        await Eventually.WaitAsync(() => Task.FromResult(AgentProcesses.Under(Host.DataDirectory, id)), a => a.Count == 0, TimeSpan.FromSeconds(10), "the agent to be gone");
        var events = (await api.GetAsync($"/api/workspaces/{id}/events?max=1000")).Json["items"]!.AsArray();
        var decision = Assert.Single(events, e => (string?)e!["kind"] == "reconcile.fail_operation")!;
        Assert.Equal("operation_hung", (string?)decision["reason"]);
        Assert.Contains($"made no progress for", (string?)decision["message"], StringComparison.Ordinal);
        Assert.Contains(events, e => (string?)e!["kind"] == "provision.failed" && (string?)e["reason"] == "operation_hung");
        Assert.NotNull(failed.Json["failureReason"]);
    }
}
