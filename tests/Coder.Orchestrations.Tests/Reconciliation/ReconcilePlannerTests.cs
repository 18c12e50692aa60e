using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Reconciliation;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Tests.Reconciliation;

/// <summary>The planner case by case: each test builds one fleet and asserts the one action (or none) it plans.</summary>
public sealed class ReconcilePlannerTests
{
    static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    static readonly ReconcileOptions Options = new() { OrphanGraceSeconds = 600, DisconnectedAfterIntervals = 3, RestartAfterIntervals = 10, MaxRestartsPerHour = 3, HungOperationSeconds = 300 };
    const int Heartbeat = 5;

    static WorkspaceEntity Running(string id = "ws-a") => new()
    {
        PartitionKey = "alice",
        RowKey = id,
        Name = id,
        Template = "py",
        TemplateVersion = 1,
        Provisioner = "local",
        DesiredState = DesiredStates.Running,
        Status = "running",
        AgentBuild = "b1",
        BuildStartedAt = Now.AddMinutes(-30),
        CreatedAt = Now.AddHours(-1),
        UpdatedAt = Now.AddSeconds(-2),
    };

    /// <summary>The agents row of a healthy running workspace: build b1 ready, heard from 2 s ago, one session.</summary>
    static WorkspaceAgentsEntity Observed(string id = "ws-a") => new()
    {
        PartitionKey = id,
        Build = "b1",
        Lifecycle = "ready",
        Connection = "connected",
        LastHeartbeatAt = Now.AddSeconds(-2),
        Sessions = 1,
        LastActivityAt = Now.AddSeconds(-10),
    };

    static InventoryItem Resource(string id = "ws-a", bool running = true) =>
        new("local", id, "/data/workspaces/" + id, running, running ? 1 : 0, running ? "b1" : null, new Dictionary<string, string> { [ProvisionerTags.WorkspaceId] = id });

    /// <summary>The pass's input; every workspace without an agents row in <paramref name="agents"/> gets a healthy one (<see cref="Observed"/>).</summary>
    static ReconcileInput Input(IEnumerable<WorkspaceEntity> workspaces, IEnumerable<InventoryItem> inventory, int? idleMinutes = null,
        Dictionary<string, DateTimeOffset>? orphans = null, Dictionary<string, OperationProgress>? operations = null, Dictionary<string, string>? snapshots = null, DateTimeOffset? now = null,
        IEnumerable<WorkspaceAgentsEntity>? agents = null)
    {
        var list = workspaces.ToList();
        var rows = list.ToDictionary(w => w.RowKey, w => Observed(w.RowKey), StringComparer.Ordinal);
        foreach (var row in agents ?? []) rows[row.PartitionKey] = row;
        return new(now ?? Now, list, inventory.ToList(), new HashSet<string> { "local" },
            new Dictionary<string, ReconcileTemplatePolicy> { [ReconcileInput.TemplateKey("py", 1)] = new(Heartbeat, 60, idleMinutes) },
            operations ?? [], orphans ?? [], snapshots, rows);
    }

    static ReconcileAction Single(ReconcileInput input)
    {
        var plan = ReconcilePlanner.Plan(input, Options);
        return Assert.Single(plan.Actions);
    }

    [Fact]
    public void Plan_ConvergedFleet_PlansNothing()
    {
        var stopped = Running("ws-s");
        stopped.DesiredState = DesiredStates.Stopped;
        stopped.Status = "stopped";
        var deleted = Running("ws-d");
        deleted.DesiredState = DesiredStates.Deleted;
        deleted.Status = "deleted";
        var busy = Running("ws-busy");
        busy.OperationId = "ws-busy.0002.restart";
        busy.OperationStartedAt = Now.AddSeconds(-20);

        var plan = ReconcilePlanner.Plan(Input([Running("ws-a"), Running("ws-b"), stopped, deleted, busy], [Resource("ws-a"), Resource("ws-b"), Resource("ws-s", running: false)], idleMinutes: 30), Options);

        Assert.Empty(plan.Actions);
        Assert.Empty(plan.OrphansFirstSeen);
    }

    [Fact]
    public void Plan_RunningWorkspaceWithoutResource_Reprovisions()
    {
        var action = Single(Input([Running()], []));

        Assert.Equal(ReconcileActionKind.Reprovision, action.Kind);
        Assert.Equal(ReconcileReasons.ResourceMissing, action.Reason);
        Assert.Equal("alice", action.Owner);
        Assert.Null(action.SnapshotId);
        Assert.Contains("template py v1", action.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_RunningWorkspaceWhoseResourceDoesNotRun_Reprovisions() =>
        Assert.Equal(ReconcileActionKind.Reprovision, Single(Input([Running()], [Resource(running: false)])).Kind);

    [Fact]
    public void Plan_OneOfThreeReplicasGone_StartsTheMissingOnes_SayingHowManyRun()
    {
        var w = Running();
        w.Replicas = 3;

        var action = Single(Input([w], [Resource() with { RunningReplicas = 2 }]));

        Assert.Equal(ReconcileActionKind.Reprovision, action.Kind);
        Assert.Equal(ReconcileReasons.ReplicaMissing, action.Reason);
        Assert.Contains("declares 3 replica(s), but only 2 run", action.Message, StringComparison.Ordinal);

        // All three running (or more, for a moment, during a switch) is converged.
        Assert.Empty(ReconcilePlanner.Plan(Input([w], [Resource() with { RunningReplicas = 3 }]), Options).Actions);
    }

    [Fact]
    public void Plan_UnitLimitChangedFromOutside_RestoresTheDeclaredSize_SayingObservedAndDeclared()
    {
        var w = Running();
        w.Cpu = 1;
        w.MemoryMiB = 512;
        w.Replicas = 2;
        var drifted = Resource() with { RunningReplicas = 2, UnitSizes = [new(0, 1, 512), new(1, 1.00001, 256)] };

        var action = Single(Input([w], [drifted]));

        Assert.Equal(ReconcileActionKind.RestoreSize, action.Kind);
        Assert.Equal(ReconcileReasons.SizeDrift, action.Reason);
        Assert.Equal("Restoring the declared size: replica 1 runs with 1 CPU, 256 MiB, but the workspace declares 1 CPU, 512 MiB per unit on local.", action.Message);

        // A limit removed altogether is drift too, and says so.
        var unlimited = Single(Input([w], [drifted with { UnitSizes = [new(0, null, 512), new(1, 1, 512)] }]));
        Assert.Equal(ReconcileReasons.SizeDrift, unlimited.Reason);
        Assert.Contains("replica 0 runs with no CPU limit, 512 MiB", unlimited.Message, StringComparison.Ordinal);

        // Converged (to the platform's microsecond quota), unknown to the platform, or advisory limits: nothing to restore.
        Assert.Empty(ReconcilePlanner.Plan(Input([w], [drifted with { UnitSizes = [new(0, 1, 512), new(1, 1.0000001, 512)] }]), Options).Actions);
        Assert.Empty(ReconcilePlanner.Plan(Input([w], [drifted with { UnitSizes = null }]), Options).Actions);
        w.LimitsEnforced = false;
        Assert.Empty(ReconcilePlanner.Plan(Input([w], [drifted]), Options).Actions);
    }

    [Fact]
    public void Plan_SizeDriftOnAWorkspaceWithAnOperationOrAMissingReplica_LeavesItToThatFirst()
    {
        var w = Running();
        w.Cpu = 1;
        w.MemoryMiB = 512;
        w.Replicas = 2;
        var drifted = Resource() with { RunningReplicas = 1, UnitSizes = [new(0, 2, 512)] };

        Assert.Equal(ReconcileReasons.ReplicaMissing, Single(Input([w], [drifted])).Reason);
        w.OperationId = "ws-a.0003.scale";
        w.OperationStartedAt = Now.AddSeconds(-5);
        Assert.Empty(ReconcilePlanner.Plan(Input([w], [drifted with { RunningReplicas = 2 }]), Options).Actions);
    }

    [Fact]
    public void Plan_ReprovisionWithSnapshot_PassesTheLatestSnapshotOn()
    {
        var action = Single(Input([Running()], [], snapshots: new() { ["ws-a"] = "snap-7" }));

        Assert.Equal(ReconcileActionKind.Reprovision, action.Kind);
        Assert.Equal("snap-7", action.SnapshotId);
        Assert.Contains("snap-7", action.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_ProvisionerWhoseInventoryFailed_ConcludesNothing()
    {
        var input = Input([Running()], []) with { InventoriedProvisioners = new HashSet<string>() };

        Assert.Empty(ReconcilePlanner.Plan(input, Options).Actions);
    }

    [Fact]
    public void Plan_OrphanWithinGrace_IsRememberedNotDestroyed()
    {
        var plan = ReconcilePlanner.Plan(Input([], [Resource("ws-stray")]), Options);

        Assert.Empty(plan.Actions);
        Assert.Equal(Now, plan.OrphansFirstSeen[ReconcileInput.OrphanKey("local", "ws-stray")]);
    }

    [Fact]
    public void Plan_OrphanPastGrace_IsDestroyed()
    {
        var key = ReconcileInput.OrphanKey("local", "ws-stray");
        var action = Single(Input([], [Resource("ws-stray")], orphans: new() { [key] = Now.AddMinutes(-11) }));

        Assert.Equal(ReconcileActionKind.DestroyOrphan, action.Kind);
        Assert.Equal(ReconcileReasons.OrphanResource, action.Reason);
        Assert.Equal("ws-stray", action.WorkspaceId);
        Assert.Null(action.Owner);
    }

    [Fact]
    public void Plan_AfterABlueGreenSwitch_TheLiveInstanceIsTheCompute_AndTheStoppedBlueIsLeftToItsGrace()
    {
        var w = Running();
        w.ComputeInstance = "g2";
        w.RetiredInstance = "ws-a";
        var green = Resource() with { Instance = "g2" };

        Assert.Empty(ReconcilePlanner.Plan(Input([w], [Resource(running: false), green]), Options).Actions);
        Assert.Equal(ReconcileActionKind.Reprovision, Single(Input([w], [Resource(running: true), green with { Running = false, RunningReplicas = 0 }])).Kind);
    }

    [Fact]
    public void Plan_RetiredBlue_IsKeptThroughItsGrace_ThenDestroyed()
    {
        var w = Running();
        w.ComputeInstance = "g2";
        w.RetiredInstance = "ws-a";
        w.RetiredUntil = Now.AddSeconds(1);
        var inventory = new[] { Resource(running: false), Resource() with { Instance = "g2" } };
        Assert.Empty(ReconcilePlanner.Plan(Input([w], inventory), Options).Actions);

        w.RetiredUntil = Now;
        var action = Single(Input([w], inventory));
        Assert.Equal(ReconcileActionKind.DestroyRetiredInstance, action.Kind);
        Assert.Equal(ReconcileReasons.BlueGraceOver, action.Reason);
        Assert.Null(action.Instance);

        // A blue that is live again (a later switch back) is never destroyed.
        w.ComputeInstance = null;
        Assert.DoesNotContain(ReconcilePlanner.Plan(Input([w], inventory), Options).Actions, a => a.Kind == ReconcileActionKind.DestroyRetiredInstance);
    }

    [Fact]
    public void Plan_OrphanGreenInstancePastGrace_IsDestroyedAsThatInstance()
    {
        var key = ReconcileInput.OrphanKey("local", "ws-stray~g3");
        var action = Single(Input([], [Resource("ws-stray") with { Instance = "g3" }], orphans: new() { [key] = Now.AddMinutes(-11) }));

        Assert.Equal(ReconcileActionKind.DestroyOrphan, action.Kind);
        Assert.Equal("ws-stray", action.WorkspaceId);
        Assert.Equal("g3", action.Instance);
    }

    [Fact]
    public void Plan_ResourceOfDeletedWorkspacePastGrace_IsDestroyed()
    {
        var deleted = Running();
        deleted.Status = "deleted";
        deleted.DesiredState = DesiredStates.Deleted;
        var action = Single(Input([deleted], [Resource()], orphans: new() { [ReconcileInput.OrphanKey("local", "ws-a")] = Now.AddMinutes(-10) }));

        Assert.Equal(ReconcileActionKind.DestroyOrphan, action.Kind);
        Assert.Equal("alice", action.Owner);
    }

    [Fact]
    public void Plan_OrphanThatDisappeared_IsForgotten()
    {
        var plan = ReconcilePlanner.Plan(Input([], [], orphans: new() { [ReconcileInput.OrphanKey("local", "ws-gone")] = Now.AddMinutes(-3) }), Options);

        Assert.Empty(plan.OrphansFirstSeen);
    }

    [Fact]
    public void Plan_StoppedWorkspaceWhoseResourceRuns_Stops()
    {
        var w = Running();
        w.DesiredState = DesiredStates.Stopped;
        w.Status = "stopped";
        var action = Single(Input([w], [Resource()]));

        Assert.Equal(ReconcileActionKind.Stop, action.Kind);
        Assert.Equal(ReconcileReasons.StoppedButRunning, action.Reason);
    }

    [Fact]
    public void Plan_HeartbeatOlderThanThreeIntervals_MarksDisconnected()
    {
        var w = Running();
        var a = Observed();
        a.LastHeartbeatAt = Now.AddSeconds(-(3 * Heartbeat + 1));
        var action = Single(Input([w], [Resource()], agents: [a]));

        Assert.Equal(ReconcileActionKind.MarkDisconnected, action.Kind);
        Assert.Equal(ReconcileReasons.HeartbeatStale, action.Reason);
    }

    [Fact]
    public void Plan_HeartbeatJustWithinThreeIntervals_PlansNothing()
    {
        var w = Running();
        var a = Observed();
        a.LastHeartbeatAt = Now.AddSeconds(-(3 * Heartbeat - 1));

        Assert.Empty(ReconcilePlanner.Plan(Input([w], [Resource()], agents: [a]), Options).Actions);
    }

    [Fact]
    public void Plan_StillStaleAfterNIntervals_Restarts()
    {
        var w = Running();
        var a = Observed();
        a.Connection = "disconnected";
        a.LastHeartbeatAt = Now.AddSeconds(-(10 * Heartbeat + 1));
        var action = Single(Input([w], [Resource()], agents: [a]));

        Assert.Equal(ReconcileActionKind.Restart, action.Kind);
        Assert.Equal(ReconcileReasons.HeartbeatLost, action.Reason);
    }

    [Fact]
    public void Plan_RestartBudgetSpentThisHour_MarksFailedWithReason()
    {
        var w = Running();
        var a = Observed();
        a.Connection = "disconnected";
        a.LastHeartbeatAt = Now.AddMinutes(-5);
        w.ReconcileRestartCount = 3;
        w.ReconcileRestartWindowStartedAt = Now.AddMinutes(-40);
        var action = Single(Input([w], [Resource()], agents: [a]));

        Assert.Equal(ReconcileActionKind.MarkFailed, action.Kind);
        Assert.Equal(ReconcileReasons.RestartLimitReached, action.Reason);
        Assert.Contains(ReconcileReasons.HeartbeatLost, action.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_RestartBudgetOfAnEarlierHour_RestartsAgain()
    {
        var w = Running();
        var a = Observed();
        a.Connection = "disconnected";
        a.LastHeartbeatAt = Now.AddMinutes(-5);
        w.ReconcileRestartCount = 3;
        w.ReconcileRestartWindowStartedAt = Now.AddMinutes(-61);

        Assert.Equal(ReconcileActionKind.Restart, Single(Input([w], [Resource()], agents: [a])).Kind);
    }

    [Fact]
    public void Plan_ReprovisionPastBudget_MarksFailed()
    {
        var w = Running();
        w.ReconcileRestartCount = 3;
        w.ReconcileRestartWindowStartedAt = Now.AddMinutes(-5);

        Assert.Equal(ReconcileActionKind.MarkFailed, Single(Input([w], [])).Kind);
    }

    [Fact]
    public void Plan_AgentNeverConnectedWithinConnectTimeout_MarksTimeout()
    {
        var w = Running();
        var a = Observed();
        a.Connection = "connecting";
        a.LastHeartbeatAt = null;
        w.BuildStartedAt = Now.AddSeconds(-61);
        var action = Single(Input([w], [Resource()], agents: [a]));

        Assert.Equal(ReconcileActionKind.MarkConnectTimeout, action.Kind);
        Assert.Equal(ReconcileReasons.ConnectTimeout, action.Reason);
    }

    [Fact]
    public void Plan_AgentStillWithinConnectTimeout_PlansNothing()
    {
        var w = Running();
        var a = Observed();
        a.Connection = "connecting";
        w.BuildStartedAt = Now.AddSeconds(-30);

        Assert.Empty(ReconcilePlanner.Plan(Input([w], [Resource()], agents: [a]), Options).Actions);
    }

    [Fact]
    public void Plan_OperationWithoutProgressForFiveMinutes_IsFailed()
    {
        var w = Running();
        w.OperationId = "ws-a.0003.start";
        w.OperationKind = "start";
        w.OperationStartedAt = Now.AddMinutes(-20);
        var action = Single(Input([w], [], operations: new() { [w.OperationId] = new(w.OperationId, "running", Now.AddMinutes(-6)) }));

        Assert.Equal(ReconcileActionKind.FailHungOperation, action.Kind);
        Assert.Equal(ReconcileReasons.OperationHung, action.Reason);
        Assert.Equal("ws-a.0003.start", action.OperationId);
    }

    [Fact]
    public void Plan_OldOperationThatStillProgresses_IsLeftAlone()
    {
        var w = Running();
        w.OperationId = "ws-a.0003.start";
        w.OperationStartedAt = Now.AddMinutes(-20);

        Assert.Empty(ReconcilePlanner.Plan(Input([w], [], operations: new() { [w.OperationId] = new(w.OperationId, "running", Now.AddMinutes(-1)) }), Options).Actions);
    }

    [Fact]
    public void Plan_OperationClaimedButNeverRecorded_IsFailedAfterTheThreshold()
    {
        var w = Running();
        w.OperationId = "ws-a.0003.stop";
        w.OperationStartedAt = Now.AddMinutes(-6);

        var action = Single(Input([w], []));
        Assert.Equal(ReconcileActionKind.FailHungOperation, action.Kind);
        Assert.Contains("no operation record", action.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_IdleBeyondStopAfterMinutes_Stops()
    {
        var w = Running();
        var a = Observed();
        a.Sessions = 0;
        a.LastActivityAt = Now.AddMinutes(-31);
        var action = Single(Input([w], [Resource()], idleMinutes: 30, agents: [a]));

        Assert.Equal(ReconcileActionKind.Stop, action.Kind);
        Assert.Equal(ReconcileReasons.IdleTimeout, action.Reason);
    }

    [Fact]
    public void Plan_IdleWithAnOpenSession_IsKeptRunning_AndSaysWhichSession()
    {
        var w = Running();
        var a = Observed();
        a.Sessions = 1;
        a.LastActivityAt = Now.AddMinutes(-90);
        a.LastSession = "ssh:connect-1-1";

        var action = Single(Input([w], [Resource()], idleMinutes: 30, agents: [a]));
        Assert.Equal(ReconcileActionKind.ExtendDeadline, action.Kind);
        Assert.Equal(Coder.Orchestrations.Schedules.ScheduleReasons.KeepAlive, action.Reason);
        Assert.Equal("session:ssh:connect-1-1", action.Source);
        Assert.Equal(Now.AddMinutes(30), action.At);
    }

    [Fact]
    public void Plan_ScheduleDueAndHeartbeatLost_StopsRatherThanRestarts()
    {
        var w = Running();
        var a = Observed();
        a.Sessions = 0;
        a.LastActivityAt = Now.AddMinutes(-31);
        a.LastHeartbeatAt = Now.AddMinutes(-20);

        var action = Single(Input([w], [Resource()], idleMinutes: 30, agents: [a]));
        Assert.Equal(ReconcileActionKind.Stop, action.Kind);
        Assert.Equal(ReconcileReasons.IdleTimeout, action.Reason);
    }

    [Fact]
    public void Plan_AgentsRowOfAnotherBuild_CountsAsNothingHeard_AndTimesOutTheConnect()
    {
        // The live build's section was never written (the row still describes the build before it): nothing was heard from b1.
        var w = Running();
        w.BuildStartedAt = Now.AddSeconds(-61);
        var a = Observed();
        a.Build = "b0";

        Assert.Equal(ReconcileActionKind.MarkConnectTimeout, Single(Input([w], [Resource()], agents: [a])).Kind);
    }

    [Fact]
    public void Plan_WorkspaceOfThePreviousVersion_ReadsItsLegacyColumns_UntilItHasAnAgentsRow()
    {
        var legacy = Running();
        legacy.AgentConnection = "connected";
        legacy.LastHeartbeatAt = Now.AddSeconds(-(3 * Heartbeat + 1));
        var noRow = Input([legacy], [Resource()]) with { Agents = null };
        Assert.Equal(ReconcileActionKind.MarkDisconnected, Single(noRow).Kind);

        // Once the agents row exists it is what counts: here a fresh heartbeat.
        Assert.Empty(ReconcilePlanner.Plan(noRow with { Agents = new Dictionary<string, WorkspaceAgentsEntity> { ["ws-a"] = Observed() } }, Options).Actions);
    }
}
