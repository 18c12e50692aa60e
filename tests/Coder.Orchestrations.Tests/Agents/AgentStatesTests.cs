using Coder.Contracts.Agents;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Tests.Agents;

public sealed class AgentStatesTests
{
    static Dictionary<string, AgentReplicaState> States(params AgentLifecycle[] lifecycles) =>
        lifecycles.Select((l, i) => (i, l)).ToDictionary(x => $"r{x.i}", x => new AgentReplicaState(x.l, null, null));

    [Fact]
    public void Aggregate_IsReadyOnlyWhenEveryReplicaIsReady()
    {
        Assert.Equal(AgentLifecycle.Ready, AgentStates.Aggregate(States(AgentLifecycle.Ready, AgentLifecycle.Ready), 2));
        Assert.Equal(AgentLifecycle.Starting, AgentStates.Aggregate(States(AgentLifecycle.Ready, AgentLifecycle.Starting), 2));
    }

    [Fact]
    public void Aggregate_CountsReplicasNotHeardFromAsCreated() =>
        Assert.Equal(AgentLifecycle.Created, AgentStates.Aggregate(States(AgentLifecycle.Ready), 3));

    [Fact]
    public void Aggregate_SurfacesAStartErrorOfAnyReplica() =>
        Assert.Equal(AgentLifecycle.StartError, AgentStates.Aggregate(States(AgentLifecycle.Ready, AgentLifecycle.StartError), 2));

    [Theory]
    [InlineData(AgentLifecycle.Created, AgentLifecycle.Starting, true)]
    [InlineData(AgentLifecycle.Starting, AgentLifecycle.Ready, true)]
    [InlineData(AgentLifecycle.Ready, AgentLifecycle.Starting, false)]
    [InlineData(AgentLifecycle.Ready, AgentLifecycle.StartError, false)]
    [InlineData(AgentLifecycle.Off, AgentLifecycle.Ready, false)]
    [InlineData(AgentLifecycle.Ready, AgentLifecycle.ShuttingDown, true)]
    public void LifecycleOrder_NeverMovesBackwards(AgentLifecycle from, AgentLifecycle to, bool forward) =>
        Assert.Equal(forward, AgentLifecycleOrder.IsForward(from, to));

    [Fact]
    public void WithSessions_CountsEveryReplicasOwn_SoTheLastReportDoesNotHideTheOthers()
    {
        string json = AgentStates.Serialize(States(AgentLifecycle.Ready, AgentLifecycle.Ready));

        var (afterFirst, total) = AgentStates.WithSessions(json, "r0", 2);
        Assert.Equal(2, total);
        var (afterSecond, both) = AgentStates.WithSessions(afterFirst, "r1", 0);
        Assert.Equal(2, both);
        Assert.Null(afterSecond); // r1 had no sessions to forget: nothing changed

        // A repeated report changes nothing; one not heard from yet (no lifecycle) only adds its own.
        Assert.Equal((null, 2), AgentStates.WithSessions(afterFirst, "r0", 2));
        Assert.Equal((null, 3), AgentStates.WithSessions(afterFirst, "r2", 1));
        Assert.Equal(0, AgentStates.WithSessions(afterFirst, "r0", 0).Total);
    }
}
