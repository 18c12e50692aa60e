using Coder.Contracts.Agents;
using Coder.Contracts.Connect;
using Coder.Orchestrations.Security;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Workspaces;

namespace Coder.Orchestrations.Tests.Connect;

/// <summary>What an agent reports about its way in (its lifecycle payload's <c>connect</c>) shows under <c>agents[..].connect</c>.</summary>
public sealed class AgentConnectStateTests
{
    [Fact]
    public void AReadyAgentsConnectReport_ShowsPerAgent_AndAnAgentThatReportsNothingHasNone()
    {
        var (json, _) = AgentStates.Advance(null, "agent-0", new LifecyclePayload(AgentLifecycle.Starting), 2)!.Value;
        (json, _) = AgentStates.Advance(json, "agent-0", new LifecyclePayload(AgentLifecycle.Ready, null, new AgentConnectState(null, "sshd not found")), 2)!.Value;
        (json, _) = AgentStates.Advance(json, "agent-1", new LifecyclePayload(AgentLifecycle.Ready, null, new AgentConnectState("/usr/sbin/sshd")), 2)!.Value;
        (json, _) = AgentStates.Advance(json, "agent-1", new LifecyclePayload(AgentLifecycle.ShuttingDown), 2)!.Value;

        var workspace = new WorkspaceEntity { PartitionKey = "alice", RowKey = "ws1", Name = "dev", Replicas = 2, Status = "running" };
        var view = WorkspaceMapper.ToResponse(workspace, AgentObservation.None with { AgentStates = json }, null, new CallerIdentity("alice", new HashSet<string>(), "t"));

        Assert.Equal(
            [("agent-0", new AgentConnectView(true, false, "sshd not found")), ("agent-1", new AgentConnectView(true, true))],
            view.Agents!.Select(a => (a.AgentId, a.Connect)));
        Assert.Null(WorkspaceMapper.ToResponse(workspace, AgentObservation.None, null, new CallerIdentity("alice", new HashSet<string>(), "t")).Agents!.SingleOrDefault());
    }
}
