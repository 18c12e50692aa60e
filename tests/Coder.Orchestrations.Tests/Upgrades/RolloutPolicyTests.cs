using Coder.Contracts.Agents;
using Coder.Orchestrations.Upgrades.Rollouts;

namespace Coder.Orchestrations.Tests.Upgrades;

public sealed class RolloutPolicyTests
{
    static readonly DateTimeOffset Now = new(2026, 12, 2, 4, 0, 0, TimeSpan.Zero);
    static readonly TimeSpan Stale = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(10, 20, 4, new[] { 2, 4, 4 })]
    [InlineData(10, 1, 4, new[] { 1, 4, 4, 1 })]
    [InlineData(3, 10, 1, new[] { 1, 1, 1 })]
    [InlineData(1, 20, 4, new[] { 1 })]
    [InlineData(7, 100, 2, new[] { 7 })]
    [InlineData(5, 33.4, 10, new[] { 2, 3 })]
    public void BatchSizes_CanaryAtLeastOneThenBatchesOfAtMostBatchSize(int count, double canaryPercent, int batchSize, int[] expected) =>
        Assert.Equal(expected, RolloutPolicy.BatchSizes(count, canaryPercent, batchSize));

    [Fact]
    public void BatchSizes_NoWorkspaces_NoBatches() => Assert.Empty(RolloutPolicy.BatchSizes(0, 20, 4));

    [Theory]
    [InlineData(0, 0, 0, false)]
    [InlineData(0, 10, 0, false)]
    [InlineData(1, 10, 10, false)]
    [InlineData(2, 10, 10, true)]
    [InlineData(2, 2, 20, true)]
    [InlineData(1, 2, 50, false)]
    public void ShouldStop_WhenTheFailedSharePassesTheLimit(int failed, int attempted, double max, bool stop) =>
        Assert.Equal(stop, RolloutPolicy.ShouldStop(failed, attempted, max));

    [Fact]
    public void HealthProblem_ReadyFreshAndStable_IsHealthy() =>
        Assert.Null(RolloutPolicy.HealthProblem("running", AgentLifecycle.Ready, Now.AddSeconds(-3), Now, Stale, 1, 2));

    [Fact]
    public void HealthProblem_StartError_Fails() =>
        Assert.StartsWith("agent_start_error", RolloutPolicy.HealthProblem("running", AgentLifecycle.StartError, Now, Now, Stale, 0, 2));

    [Fact]
    public void HealthProblem_StaleOrMissingHeartbeat_Fails()
    {
        Assert.StartsWith("heartbeat_stale", RolloutPolicy.HealthProblem("running", AgentLifecycle.Ready, Now.AddSeconds(-11), Now, Stale, 0, 2));
        Assert.StartsWith("heartbeat_stale", RolloutPolicy.HealthProblem("running", AgentLifecycle.Ready, null, Now, Stale, 0, 2));
    }

    [Fact]
    public void HealthProblem_RestartsAtTheThreshold_Fail() =>
        Assert.StartsWith("crash_restarts", RolloutPolicy.HealthProblem("running", AgentLifecycle.Ready, Now, Now, Stale, 2, 2));

    [Fact]
    public void HealthProblem_NotRunningOrNotReady_Fails()
    {
        Assert.StartsWith("workspace_not_running", RolloutPolicy.HealthProblem("failed", AgentLifecycle.Ready, Now, Now, Stale, 0, 2));
        Assert.StartsWith("agent_not_ready", RolloutPolicy.HealthProblem("running", AgentLifecycle.Starting, Now, Now, Stale, 0, 2));
    }
}
