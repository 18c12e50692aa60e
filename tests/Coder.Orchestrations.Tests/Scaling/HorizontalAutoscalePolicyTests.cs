using Coder.Contracts.Templates;
using Coder.Orchestrations.Scaling;

namespace Coder.Orchestrations.Tests.Scaling;

/// <summary>
/// The policy's horizontal half, on <see cref="AutoscalePolicyTests"/>' histories and settings plus 1–4 replicas and
/// 3 sessions per replica: out on sessions at once or on CPU once each replica is at its maximum, in before any size goes
/// down, and the same cooldown, each with its numbers.
/// </summary>
public sealed class HorizontalAutoscalePolicyTests
{
    static readonly AutoscaleSettings Horizontal = AutoscalePolicyTests.Settings with { MinReplicas = 1, MaxReplicas = 4, TargetSessionsPerReplica = 3 };

    static AutoscaleDecision Decide(AutoscalePolicyTests.Segment[] history, double cpu, int replicas, int sessions = 0, int? scaledSecondsAgo = null, AutoscaleSettings? settings = null)
    {
        var input = AutoscalePolicyTests.Input(history, cpu, 1024, scaledSecondsAgo is { } ago ? new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero).AddSeconds(-ago) : null, sessions);
        return AutoscalePolicy.Decide(input with { Settings = settings ?? Horizontal, Replicas = replicas });
    }

    [Fact]
    public void BusyAtMaxCpu_ScalesOut_SizedToLandNearTarget()
    {
        var d = Decide([new(600, 55), new(70, 95)], cpu: 4, replicas: 1);

        Assert.Equal(AutoscaleAction.Up, d.Action);
        Assert.Equal(AutoscaleReasons.HighCpu, d.Reason);
        Assert.Equal(2, d.NewReplicas);
        Assert.Equal(4, d.NewCpu);
        Assert.Contains("each replica at its maximum of 4 CPU, 1 → 2 replica(s)", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BusyBelowMaxCpu_GrowsTheSizeFirst()
    {
        var d = Decide([new(600, 55), new(70, 95)], cpu: 2, replicas: 1);

        Assert.Equal(AutoscaleAction.Up, d.Action);
        Assert.Null(d.NewReplicas);
        Assert.Equal(3.2, d.NewCpu);
    }

    [Fact]
    public void MoreSessionsThanTheReplicasCarry_ScalesOutAtOnce_WithoutWaitingForAWindow()
    {
        var d = Decide([new(30, 20)], cpu: 2, replicas: 1, sessions: 7);

        Assert.Equal(AutoscaleAction.Up, d.Action);
        Assert.Equal(AutoscaleReasons.HighSessions, d.Reason);
        Assert.Equal(3, d.NewReplicas);
        Assert.Contains("7 session(s) open and each replica is meant to carry 3, 1 → 3 replica(s)", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IdleWithSpareReplicas_ScalesInBeforeAnySizeGoesDown_ButKeepsWhatTheSessionsNeed()
    {
        var idle = Decide([new(600, 1)], cpu: 2, replicas: 3);
        Assert.Equal(AutoscaleAction.Down, idle.Action);
        Assert.Equal(AutoscaleReasons.LowUtilization, idle.Reason);
        Assert.Equal(1, idle.NewReplicas);
        Assert.Equal(2, idle.NewCpu);

        var withSessions = Decide([new(600, 1)], cpu: 2, replicas: 3, sessions: 4);
        Assert.Equal(2, withSessions.NewReplicas);
        Assert.Contains("4 session(s) at 3 per replica keep at least 2", withSessions.Message, StringComparison.Ordinal);

        // At the floor, the size goes down as before.
        var atFloor = Decide([new(600, 1)], cpu: 2, replicas: 1);
        Assert.Null(atFloor.NewReplicas);
        Assert.Equal(0.5, atFloor.NewCpu);
    }

    [Fact]
    public void InsideTheCooldown_AWantedScaleOutIsHeld_WithTheCountItWanted()
    {
        var d = Decide([new(30, 20)], cpu: 2, replicas: 1, sessions: 7, scaledSecondsAgo: 30);

        Assert.Equal(AutoscaleAction.None, d.Action);
        Assert.True(d.Held);
        Assert.Equal(AutoscaleReasons.Cooldown, d.Reason);
        Assert.Equal(3, d.NewReplicas);
        Assert.Contains("would scale out to 3 replica(s)", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutReplicaBounds_TheCountNeverChanges()
    {
        var busy = Decide([new(600, 55), new(70, 95)], cpu: 4, replicas: 2, sessions: 20, settings: AutoscalePolicyTests.Settings);
        Assert.Null(busy.NewReplicas);
        Assert.Equal(AutoscaleReasons.AtLimit, busy.Reason);

        var idle = Decide([new(600, 1)], cpu: 2, replicas: 2, settings: AutoscalePolicyTests.Settings);
        Assert.Null(idle.NewReplicas);
    }

    [Fact]
    public void From_ClampsMaxReplicasToTheTemplateLimit()
    {
        var spec = new TemplateSpec
        {
            Resources = new TemplateResources(1, 512),
            Limits = new TemplateLimits(2, 2048, 3),
            Autoscale = new AutoscaleSpec { Enabled = System.Text.Json.JsonDocument.Parse("true").RootElement, MinReplicas = 1, MaxReplicas = 8, TargetSessionsPerReplica = 2 },
        };

        var s = AutoscaleSettings.From(spec)!;

        Assert.Equal(1, s.MinReplicas);
        Assert.Equal(3, s.MaxReplicas);
        Assert.Equal(2, s.TargetSessionsPerReplica);
    }
}
