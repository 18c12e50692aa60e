using Coder.Contracts.Templates;
using Coder.Orchestrations.Agents.Metrics;
using Coder.Orchestrations.Scaling;

namespace Coder.Orchestrations.Tests.Scaling;

/// <summary>
/// The policy, table-driven. Every case is a metrics history (10 s buckets, oldest first, ending now) at a current size of
/// 2 CPU / 1024 MiB (memory at 70 % unless a case says otherwise), against target CPU 60 %, memory 80 %, up after 60 s, down after 300 s, cooldown 120 s, 1–4 CPU.
/// </summary>
public sealed class AutoscalePolicyTests
{
    static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    static readonly TimeSpan Bucket = TimeSpan.FromSeconds(10);

    internal static readonly AutoscaleSettings Settings = new(
        AutoscaleMode.On, MinCpu: 0.5, MaxCpu: 4, MinMemoryMiB: 512, MaxMemoryMiB: 4096, TargetCpuPercent: 60, TargetMemoryPercent: 80,
        ScaleUpAfter: TimeSpan.FromSeconds(60), ScaleDownAfter: TimeSpan.FromSeconds(300), Cooldown: TimeSpan.FromSeconds(120));

    /// <summary>A segment of history: how long, at what CPU and memory percent, with what OOM counter.</summary>
    public sealed record Segment(int Seconds, double Cpu, double Memory = 70, int OomKills = 0, double CpuPeak = -1);

    public sealed record Case(string Name, Segment[] History, AutoscaleAction Action, string Reason, double? NewCpu = null, int? NewMemoryMiB = null,
        int? ScaledSecondsAgo = null, int Sessions = 0, double Cpu = 2, bool Held = false)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> Cases => new()
    {
        new("steady load → none", [new(900, 55)], AutoscaleAction.None, AutoscaleReasons.WithinTarget),
        new("steady load just inside the band → none", [new(900, 65)], AutoscaleAction.None, AutoscaleReasons.WithinTarget),
        new("sustained rise past the up window → one step up, sized to land near target", [new(600, 55), new(70, 95)],
            AutoscaleAction.Up, AutoscaleReasons.HighCpu, NewCpu: 3.2),
        new("a rise not yet as long as the window → none, rising", [new(600, 55), new(40, 95)], AutoscaleAction.None, AutoscaleReasons.Rising),
        new("a short spike under the window, then back → none", [new(600, 55), new(30, 100), new(40, 55)], AutoscaleAction.None, AutoscaleReasons.WithinTarget),
        new("a dip inside a long high stretch → none (not sustained)", [new(600, 90), new(10, 50), new(40, 90)], AutoscaleAction.None, AutoscaleReasons.Rising),
        new("a drop past the longer down window → down, sized from the window's peak", [new(300, 55), new(310, 20)],
            AutoscaleAction.Down, AutoscaleReasons.LowUtilization, NewCpu: 0.7),
        new("a drop shorter than the down window → none, falling", [new(300, 55), new(200, 20)], AutoscaleAction.None, AutoscaleReasons.Falling),
        new("a drop as long as the up window only → none (down waits for the longer window)", [new(600, 55), new(70, 5)], AutoscaleAction.None, AutoscaleReasons.Falling),
        new("a wanted up inside the cooldown → held, with the size it wanted", [new(600, 55), new(90, 95)],
            AutoscaleAction.None, AutoscaleReasons.Cooldown, NewCpu: 3.2, ScaledSecondsAgo: 90, Held: true),
        new("the same up after the cooldown → up", [new(600, 55), new(130, 95)], AutoscaleAction.Up, AutoscaleReasons.HighCpu, NewCpu: 3.2, ScaledSecondsAgo: 125),
        new("only samples since the last change count → none until the window refills", [new(600, 95)],
            AutoscaleAction.None, AutoscaleReasons.Rising, ScaledSecondsAgo: 40),
        new("up is clamped to maxCpu", [new(600, 55), new(70, 100)], AutoscaleAction.Up, AutoscaleReasons.HighCpu, NewCpu: 4, Cpu: 3),
        new("at maxCpu and still busy → none, at limit", [new(600, 100)], AutoscaleAction.None, AutoscaleReasons.AtLimit, Cpu: 4),
        new("down is clamped to minCpu", [new(600, 1)], AutoscaleAction.Down, AutoscaleReasons.LowUtilization, NewCpu: 0.5),
        new("at minCpu and idle → none", [new(600, 1)], AutoscaleAction.None, AutoscaleReasons.WithinTarget, Cpu: 0.5),
        new("an OOM kill → memory up at once (×1.5), even inside the cooldown", [new(300, 40, OomKills: 2), new(20, 40, OomKills: 3)],
            AutoscaleAction.Up, AutoscaleReasons.OomKill, NewCpu: 2, NewMemoryMiB: 1536, ScaledSecondsAgo: 20),
        new("an old OOM kill (before the last change) → not again", [new(300, 50, OomKills: 3), new(200, 50, OomKills: 3)],
            AutoscaleAction.None, AutoscaleReasons.WithinTarget, ScaledSecondsAgo: 200),
        new("memory at 97 % → memory up at once, sized to target", [new(600, 50), new(10, 50, 97)],
            AutoscaleAction.Up, AutoscaleReasons.MemoryPressure, NewCpu: 2, NewMemoryMiB: 1280),
        new("with a session open, down stops at what the last hour's peak needs", [new(1200, 20, CpuPeak: 45), new(600, 20)],
            AutoscaleAction.Down, AutoscaleReasons.LowUtilization, NewCpu: 1.5, Sessions: 1),
        new("with a session open and a peak that needs the current size → held", [new(1200, 20, CpuPeak: 90), new(600, 20)],
            AutoscaleAction.None, AutoscaleReasons.SessionsProtect, NewCpu: 0.7, Sessions: 1, Held: true),
        new("the same history without sessions → down", [new(1200, 20, CpuPeak: 90), new(600, 20)],
            AutoscaleAction.Down, AutoscaleReasons.LowUtilization, NewCpu: 0.7),
        new("no metrics yet → none", [], AutoscaleAction.None, AutoscaleReasons.NotEnoughData),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decide_FollowsTheRules(Case c)
    {
        var decision = AutoscalePolicy.Decide(Input(c.History, c.Cpu, 1024, c.ScaledSecondsAgo is { } ago ? Now.AddSeconds(-ago) : null, c.Sessions));

        Assert.True(c.Action == decision.Action && c.Reason == decision.Reason, $"{c.Name}: got {decision}");
        Assert.Equal(c.Held, decision.Held);
        Assert.Equal(c.NewCpu ?? c.Cpu, decision.NewCpu);
        Assert.Equal(c.NewMemoryMiB ?? 1024, decision.NewMemoryMiB);
        Assert.False(string.IsNullOrWhiteSpace(decision.Message));
    }

    [Fact]
    public void Decide_ExplainsAnUpWithItsNumbers()
    {
        var decision = AutoscalePolicy.Decide(Input([new(600, 55), new(70, 95)], 2, 1024, null, 0));

        Assert.Equal(AutoscaleAction.Up, decision.Action);
        Assert.Contains("95%", decision.Message);
        Assert.Contains("66%", decision.Message);
        Assert.Contains("2 → 3.2 CPU", decision.Message);
        Assert.Contains("60 s", decision.Message);
    }

    [Fact]
    public void Decide_ExplainsACooldownHoldWithTheTimeLeft()
    {
        var decision = AutoscalePolicy.Decide(Input([new(600, 55), new(90, 95)], 2, 1024, Now.AddSeconds(-90), 0));

        Assert.Contains("cooldown is 120 s (30 s left)", decision.Message);
    }

    [Fact]
    public void Decide_AfterAStepUp_TheSameLoadLandsInsideTheBand()
    {
        // 95 % of 2 CPU is 1.9 cores of demand; at the new size that demand reads between the down and up thresholds.
        var up = AutoscalePolicy.Decide(Input([new(600, 55), new(70, 95)], 2, 1024, null, 0));
        double after = 1.9 / up.NewCpu * 100;

        Assert.InRange(after, 60 * (1 - AutoscalePolicy.DownBand), 60 * (1 + AutoscalePolicy.UpBand));
        var next = AutoscalePolicy.Decide(Input([new(600, 95), new(400, after)], up.NewCpu, 1024, Now.AddSeconds(-400), 0));
        Assert.Equal(AutoscaleAction.None, next.Action);
    }

    [Fact]
    public void From_FillsDefaultsAndClampsToTheTemplateLimits()
    {
        var spec = new TemplateSpec
        {
            Resources = new TemplateResources(1, 512),
            Limits = new TemplateLimits(2, 2048, 1),
            Autoscale = new AutoscaleSpec { Enabled = System.Text.Json.JsonDocument.Parse("\"dry-run\"").RootElement, MaxCpu = 8, TargetCpuPercent = 60 },
        };

        var s = AutoscaleSettings.From(spec)!;

        Assert.Equal(AutoscaleMode.DryRun, s.Mode);
        Assert.Equal(1, s.MinCpu);
        Assert.Equal(2, s.MaxCpu);
        Assert.Equal(2048, s.MaxMemoryMiB);
        Assert.Equal(60, s.TargetCpuPercent);
        Assert.Equal(AutoscaleSettings.DefaultCooldown, s.Cooldown);
        Assert.Null(AutoscaleSettings.From(spec with { Autoscale = spec.Autoscale with { Enabled = System.Text.Json.JsonDocument.Parse("false").RootElement } }));
        Assert.Null(AutoscaleSettings.From(spec with { Autoscale = null }));
    }

    internal static AutoscaleInput Input(Segment[] history, double cpu, int memoryMiB, DateTimeOffset? scaledAt, int sessions) =>
        new(Settings, cpu, memoryMiB, Now, scaledAt, sessions, Bucket, Buckets(history, cpu, memoryMiB));

    /// <summary>Buckets for the segments, ending at <see cref="Now"/>.</summary>
    static List<MetricBucket> Buckets(Segment[] history, double cpu, int memoryMiB)
    {
        var result = new List<MetricBucket>();
        var at = Now.AddSeconds(-history.Sum(s => s.Seconds));
        foreach (var s in history)
        {
            for (int i = 0; i < s.Seconds / 10; i++, at += Bucket)
            {
                result.Add(new MetricBucket(at, 5, s.Cpu, s.CpuPeak >= 0 ? s.CpuPeak : s.Cpu, s.Memory, s.Memory, 1, s.OomKills, cpu, memoryMiB));
            }
        }

        return result;
    }
}
