using Coder.Orchestrations.Agents.Metrics;
using Coder.Orchestrations.Scaling;

namespace Coder.Orchestrations.Tests.Scaling;

/// <summary>
/// A property over random metric series: a workspace whose demand wanders, jumps and spikes at random is run through the
/// policy every 10 s for an hour and a half, applying each decision. Whatever the series, no up is followed by a down inside one
/// cooldown, and apart from memory pressure no two changes come closer than the cooldown.
/// </summary>
public sealed class AutoscaleNoFlappingPropertyTests
{
    const int Seeds = 40;
    static readonly TimeSpan Step = TimeSpan.FromSeconds(10);

    [Fact]
    public void RandomSeries_NeverScaleUpThenDownInsideOneCooldown()
    {
        var settings = AutoscalePolicyTests.Settings;
        int changes = 0;
        for (int seed = 0; seed < Seeds; seed++)
        {
            var actions = Simulate(seed, settings);
            changes += actions.Count;
            for (int i = 1; i < actions.Count; i++)
            {
                var (prevAt, prev, _) = actions[i - 1];
                var (at, action, reason) = actions[i];
                Assert.False(prev == AutoscaleAction.Up && action == AutoscaleAction.Down && at - prevAt < settings.Cooldown,
                    $"seed {seed}: up at {prevAt:HH:mm:ss} then down at {at:HH:mm:ss}, inside the {settings.Cooldown.TotalSeconds} s cooldown");
                bool pressure = reason is AutoscaleReasons.OomKill or AutoscaleReasons.MemoryPressure;
                Assert.True(pressure || at - prevAt >= settings.Cooldown, $"seed {seed}: {prev} at {prevAt:HH:mm:ss} then {action} ({reason}) at {at:HH:mm:ss}");
            }
        }

        // The property must not hold vacuously: the random series do make the autoscaler act, often.
        Assert.True(changes > Seeds, $"only {changes} changes over {Seeds} series");
    }

    /// <summary>Runs one random series; returns every change the policy made, in order.</summary>
    static List<(DateTimeOffset At, AutoscaleAction Action, string Reason)> Simulate(int seed, AutoscaleSettings settings)
    {
        var random = new Random(seed);
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        double cpu = 2, demandCores = random.NextDouble() * 4, demandMiB = 300 + random.NextDouble() * 900;
        int memory = 1024, oomKills = 0, spike = 0, sessions = 0;
        DateTimeOffset? scaledAt = null;
        var buckets = new List<MetricBucket>();
        var actions = new List<(DateTimeOffset, AutoscaleAction, string)>();
        for (int step = 0; step < 540; step++, now += Step)
        {
            // Demand: a random walk with occasional jumps and short spikes; memory drifts; sessions come and go.
            if (random.NextDouble() < 0.03) demandCores = random.NextDouble() * 5;
            demandCores = Math.Max(0.02, demandCores * (0.9 + random.NextDouble() * 0.2));
            if (spike == 0 && random.NextDouble() < 0.05) spike = random.Next(1, 6);
            double cores = spike-- > 0 ? demandCores + 2 : demandCores;
            spike = Math.Max(spike, 0);
            if (random.NextDouble() < 0.02) demandMiB = 300 + random.NextDouble() * 2500;
            if (random.NextDouble() < 0.02) sessions = random.Next(0, 3);
            double memoryPercent = Math.Min(100, demandMiB / memory * 100);
            if (memoryPercent >= 100) oomKills++;
            double cpuPercent = Math.Min(100, cores / cpu * 100);
            buckets.Add(new MetricBucket(now, 3, cpuPercent, Math.Min(100, cpuPercent * 1.1), memoryPercent, memoryPercent, sessions, oomKills, cpu, memory));
            if (buckets.Count > 370) buckets.RemoveAt(0);

            var decision = AutoscalePolicy.Decide(new AutoscaleInput(settings, cpu, memory, now + Step, scaledAt, sessions, Step, buckets));
            if (decision.Action == AutoscaleAction.None) continue;
            Assert.InRange(decision.NewCpu, settings.MinCpu, settings.MaxCpu);
            Assert.InRange(decision.NewMemoryMiB, settings.MinMemoryMiB, settings.MaxMemoryMiB);
            Assert.True(decision.NewCpu != cpu || decision.NewMemoryMiB != memory, $"seed {seed}: a change that changes nothing: {decision}");
            actions.Add((now + Step, decision.Action, decision.Reason));
            cpu = decision.NewCpu;
            memory = decision.NewMemoryMiB;
            scaledAt = now + Step;
        }

        return actions;
    }
}
