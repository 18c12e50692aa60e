using Coder.Agent.Tests.Infrastructure;
using Coder.Contracts.Agents;

namespace Coder.Agent.Tests;

/// <summary>
/// A claimed warm-pool member's agent is handed a new token in a manifest answer (the old one revoked). It keeps the new
/// token in its state folder (0600), so after a crash, restarted by its provisioner with the token it was issued, it still
/// authenticates: its manifest reads and its events carry the new token, and the old one is never tried again.
/// </summary>
public sealed class AgentTokenHandoverTests
{
    const string NewToken = "cda_handed-over-token-9876543210";

    [Fact]
    public async Task AHandedOverToken_IsKept0600_AndARestartedAgentAuthenticatesWithIt()
    {
        await using var harness = await AgentHarness.StartAsync(ws => ManifestEndpoint.Create(ws, "pool-v1", heartbeatSeconds: 1, metricsSeconds: 1) with { AwaitingClaim = true });
        await harness.WaitForAsync(_ => harness.Queue.Lifecycle().Contains(AgentLifecycle.Ready), TimeSpan.FromSeconds(60), "the pool member's agent ready");

        harness.Manifest.HandOver(NewToken, ManifestEndpoint.Create(harness.WorkspaceId, "owner-v2", heartbeatSeconds: 1, metricsSeconds: 1));
        await Eventually.WaitAsync(() => Task.FromResult(harness.Manifest.Confirms), n => n >= 1, TimeSpan.FromSeconds(30), "the agent's confirm with the new token");

        string kept = Path.Combine(harness.Options.StateDirectory, "agent-token");
        Assert.True(File.Exists(kept));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(kept));
        string content = await File.ReadAllTextAsync(kept);
        Assert.Contains(NewToken, content, StringComparison.Ordinal);
        Assert.DoesNotContain(AgentHarness.Token, content, StringComparison.Ordinal);

        // A crash, and the provisioner starts it again with the token it was issued (revoked now).
        await harness.Agent!.KillHardAsync();
        int refusedBefore = harness.Manifest.Unauthorized;
        var restartedAt = DateTimeOffset.UtcNow;
        harness.StartAgent();

        var received = await harness.WaitForAsync(r => r.Count(e => e.SentAt > restartedAt && e.Type == AgentEventTypes.Heartbeat) >= 2,
            TimeSpan.FromSeconds(60), "heartbeats of the restarted agent");
        Assert.All(received.Where(e => e.SentAt > restartedAt), e => Assert.Equal(NewToken, e.Token));
        Assert.Equal(refusedBefore, harness.Manifest.Unauthorized);
        Assert.False(harness.Agent!.HasExited, harness.Agent.Log);
    }
}
