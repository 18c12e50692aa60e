using System.Globalization;
using Coder.Orchestrations.Agents.Metrics;

namespace Coder.Orchestrations.Scaling;

/// <summary>
/// The autoscaler's decision, a pure function of its input (no I/O, no clock). Rules, in order:
/// <list type="number">
/// <item>Memory pressure (a new OOM kill since the last size change, or memory at 95 % or more) scales memory up at once,
/// past the stabilization window and the cooldown.</item>
/// <item>Up when every bucket of the last <c>scaleUpAfter</c> is above target + 10 %; down when every bucket of the last
/// <c>scaleDownAfter</c> is below target − 25 %. The band between is the hysteresis, and only samples taken at the current
/// size count, so a window restarts after every change.</item>
/// <item>A step is sized to land near the target: up to size × mean ÷ target, down to size × peak ÷ target (the peak, so
/// the result stays under target and cannot trigger an up), rounded up to 0.1 CPU / 64 MiB and clamped to the limits.</item>
/// <item>With sessions open, down never goes below what the last hour's peak needs at target.</item>
/// <item>Within the cooldown after a change, a wanted change is held (and says so).</item>
/// <item>Horizontally, between <c>minReplicas</c> and <c>maxReplicas</c> (<see cref="ScaleOut"/>, <see cref="ScaleIn"/>):
/// out when more sessions are open than the replicas are meant to carry, or when CPU is above its band and each replica
/// is already at its maximum; in, before any size goes down, when CPU stays below its band and the sessions allow. The
/// same windows, cooldown and explanations hold.</item>
/// </list>
/// </summary>
public static partial class AutoscalePolicy
{
    public const double CpuStep = 0.1;
    public const int MemoryStepMiB = 64;
    public const double MemoryPressurePercent = 95;
    public const double UpBand = 0.10;
    public const double DownBand = 0.25;

    /// <summary>How much an OOM kill grows memory at least, when usage alone does not say how much is needed.</summary>
    public const double OomGrowth = 1.5;

    public static readonly TimeSpan SessionPeakWindow = TimeSpan.FromHours(1);

    public static AutoscaleDecision Decide(AutoscaleInput input)
    {
        var s = input.Settings;
        var history = input.Buckets.Where(b => b.Start <= input.Now).OrderBy(b => b.Start).ToList();
        var current = history.Where(b => input.LastScaledAt is not { } at || b.Start >= at).ToList();

        if (MemoryPressure(input, history, current) is { } pressure) return pressure;
        if (current.Count == 0) return None(input, AutoscaleReasons.NotEnoughData, "No metrics at the current size yet.");

        double cpuUpAt = s.TargetCpuPercent * (1 + UpBand), cpuDownAt = s.TargetCpuPercent * (1 - DownBand);
        double memUpAt = s.TargetMemoryPercent * (1 + UpBand), memDownAt = s.TargetMemoryPercent * (1 - DownBand);
        var cpuUp = Read(current, input, s.ScaleUpAfter, b => b.CpuPercent);
        var memUp = Read(current, input, s.ScaleUpAfter, b => b.MemoryPercent);
        var cpuDown = Read(current, input, s.ScaleDownAfter, b => b.CpuPercent);
        var memDown = Read(current, input, s.ScaleDownAfter, b => b.MemoryPercentMax);
        if (ScaleOut(input, cpuUp, cpuUpAt) is { } scaleOut) return Gate(input, scaleOut);

        // Up: either dimension sustained above its band; the other keeps its size.
        double? upCpu = cpuUp.Covered && cpuUp.Min > cpuUpAt ? ClampCpu(s, input.Cpu * cpuUp.Mean / s.TargetCpuPercent) : null;
        int? upMem = memUp.Covered && memUp.Min > memUpAt ? ClampMemory(s, input.MemoryMiB * memUp.Mean / s.TargetMemoryPercent) : null;
        if (upCpu > input.Cpu || upMem > input.MemoryMiB)
        {
            double newCpu = Math.Max(upCpu ?? input.Cpu, input.Cpu);
            int newMem = Math.Max(upMem ?? input.MemoryMiB, input.MemoryMiB);
            string why = Join(
                upCpu > input.Cpu ? Invariant($"CPU {cpuUp.Mean:0.#}% (lowest {cpuUp.Min:0.#}%) above {cpuUpAt:0.#}% (target {s.TargetCpuPercent:0.#}% + {UpBand:P0}) for the whole {Seconds(s.ScaleUpAfter)} window, {input.Cpu:0.##} → {newCpu:0.##} CPU (≈{cpuUp.Mean * input.Cpu / newCpu:0.#}% after)") : null,
                upMem > input.MemoryMiB ? Invariant($"memory {memUp.Mean:0.#}% above {memUpAt:0.#}% for the whole {Seconds(s.ScaleUpAfter)} window, {input.MemoryMiB} → {newMem} MiB (≈{memUp.Mean * input.MemoryMiB / newMem:0.#}% after)") : null);
            return Gate(input, new AutoscaleDecision(AutoscaleAction.Up, newCpu, newMem, upCpu > input.Cpu ? AutoscaleReasons.HighCpu : AutoscaleReasons.HighMemory, "Scale up: " + why + "."));
        }

        if (upCpu is not null || upMem is not null)
        {
            return None(input, AutoscaleReasons.AtLimit, Invariant($"Above target (CPU {cpuUp.Mean:0.#}%, memory {memUp.Mean:0.#}%) but already at the maximum ({s.MaxCpu:0.##} CPU, {s.MaxMemoryMiB} MiB)."));
        }

        if (ScaleIn(input, cpuDown, cpuDownAt) is { } scaleIn) return Gate(input, scaleIn);

        // Down: sized from the window's peak so the new size stays at or under target.
        double? downCpu = cpuDown.Covered && cpuDown.Max < cpuDownAt ? ClampCpu(s, input.Cpu * cpuDown.Max / s.TargetCpuPercent) : null;
        int? downMem = memDown.Covered && memDown.Max < memDownAt ? ClampMemory(s, input.MemoryMiB * memDown.Max / s.TargetMemoryPercent) : null;
        if (downCpu < input.Cpu || downMem < input.MemoryMiB)
        {
            double newCpu = Math.Min(downCpu ?? input.Cpu, input.Cpu);
            int newMem = Math.Min(downMem ?? input.MemoryMiB, input.MemoryMiB);
            string why = Join(
                newCpu < input.Cpu ? Invariant($"CPU peak {cpuDown.Max:0.#}% below {cpuDownAt:0.#}% (target {s.TargetCpuPercent:0.#}% − {DownBand:P0}) for the whole {Seconds(s.ScaleDownAfter)} window, {input.Cpu:0.##} → {newCpu:0.##} CPU (peak ≈{cpuDown.Max * input.Cpu / newCpu:0.#}% after)") : null,
                newMem < input.MemoryMiB ? Invariant($"memory peak {memDown.Max:0.#}% below {memDownAt:0.#}% for the whole {Seconds(s.ScaleDownAfter)} window, {input.MemoryMiB} → {newMem} MiB") : null);
            var down = new AutoscaleDecision(AutoscaleAction.Down, newCpu, newMem, AutoscaleReasons.LowUtilization, "Scale down: " + why + ".");
            return Gate(input, ProtectSessions(input, history, down));
        }

        if (cpuUp.Latest > cpuUpAt || memUp.Latest > memUpAt)
        {
            return None(input, AutoscaleReasons.Rising, Invariant($"Above the up threshold (CPU {cpuUp.Latest:0.#}% vs {cpuUpAt:0.#}%, memory {memUp.Latest:0.#}% vs {memUpAt:0.#}%), not yet for the whole {Seconds(s.ScaleUpAfter)} window."));
        }

        if ((cpuDown.Latest < cpuDownAt && input.Cpu > s.MinCpu) || (memDown.Latest < memDownAt && input.MemoryMiB > s.MinMemoryMiB))
        {
            return None(input, AutoscaleReasons.Falling, Invariant($"Below the down threshold (CPU {cpuDown.Latest:0.#}% vs {cpuDownAt:0.#}%), not yet for the whole {Seconds(s.ScaleDownAfter)} window."));
        }

        return None(input, AutoscaleReasons.WithinTarget, Invariant($"CPU {cpuUp.Latest:0.#}% and memory {memUp.Latest:0.#}% are within the band around the targets ({s.TargetCpuPercent:0.#}%, {s.TargetMemoryPercent:0.#}%)."));
    }

    /// <summary>An OOM kill newer than the last size change, or memory at 95 %+ in the newest bucket: up now.</summary>
    static AutoscaleDecision? MemoryPressure(AutoscaleInput input, List<MetricBucket> history, List<MetricBucket> current)
    {
        if (current.Count == 0) return null;
        var s = input.Settings;
        var before = history.Where(b => b.Start < current[0].Start).ToList();
        int baseline = before.Count > 0 ? before.Max(b => b.OomKills) : current[0].OomKills;
        int kills = current.Max(b => b.OomKills) - baseline;
        double memory = current[^1].MemoryPercentMax;
        if (kills <= 0 && memory < MemoryPressurePercent) return null;

        double wanted = input.MemoryMiB * Math.Max(memory, 0) / s.TargetMemoryPercent;
        if (kills > 0) wanted = Math.Max(wanted, input.MemoryMiB * OomGrowth);
        int newMem = ClampMemory(s, wanted);
        string what = kills > 0 ? Invariant($"{kills} OOM kill(s) since the last size change") : Invariant($"memory at {memory:0.#}% (≥ {MemoryPressurePercent}%)");
        if (newMem <= input.MemoryMiB)
        {
            return None(input, AutoscaleReasons.AtLimit, Invariant($"Memory pressure ({what}) but memory is already at the maximum of {s.MaxMemoryMiB} MiB."));
        }

        return new AutoscaleDecision(AutoscaleAction.Up, input.Cpu, newMem, kills > 0 ? AutoscaleReasons.OomKill : AutoscaleReasons.MemoryPressure,
            Invariant($"Scale up now: {what}; memory {input.MemoryMiB} → {newMem} MiB (target {s.TargetMemoryPercent:0.#}%), without waiting for the window or the cooldown."));
    }

    /// <summary>With sessions open, scale-down keeps at least what the last hour's peak needs at target.</summary>
    static AutoscaleDecision ProtectSessions(AutoscaleInput input, List<MetricBucket> history, AutoscaleDecision down)
    {
        if (input.ActiveSessions <= 0) return down;
        var s = input.Settings;
        var hour = history.Where(b => b.Start > input.Now - SessionPeakWindow).ToList();
        double peakCores = hour.Count == 0 ? input.Cpu : hour.Max(b => b.CpuPercentMax / 100 * b.Cpu);
        double peakMiB = hour.Count == 0 ? input.MemoryMiB : hour.Max(b => b.MemoryPercentMax / 100 * b.MemoryMiB);
        double needCpu = ClampCpu(s, peakCores * 100 / s.TargetCpuPercent);
        int needMem = ClampMemory(s, peakMiB * 100 / s.TargetMemoryPercent);
        double newCpu = Math.Min(input.Cpu, Math.Max(down.NewCpu, needCpu));
        int newMem = Math.Min(input.MemoryMiB, Math.Max(down.NewMemoryMiB, needMem));
        string peak = Invariant($"{input.ActiveSessions} session(s) open and the last hour peaked at {peakCores:0.##} CPU and {peakMiB:0} MiB, which need {needCpu:0.##} CPU and {needMem} MiB at target");
        if (newCpu >= input.Cpu && newMem >= input.MemoryMiB)
        {
            return down with
            {
                Action = AutoscaleAction.None,
                Held = true,
                Reason = AutoscaleReasons.SessionsProtect,
                Message = Invariant($"Held: would scale down to {down.NewCpu:0.##} CPU, {down.NewMemoryMiB} MiB, but {peak}. ") + down.Message,
            };
        }

        return newCpu == down.NewCpu && newMem == down.NewMemoryMiB
            ? down
            : down with { NewCpu = newCpu, NewMemoryMiB = newMem, Message = down.Message + Invariant($" Limited to {newCpu:0.##} CPU, {newMem} MiB: {peak}.") };
    }

    /// <summary>Within the cooldown after the last change, a wanted change is held.</summary>
    static AutoscaleDecision Gate(AutoscaleInput input, AutoscaleDecision decision)
    {
        if (decision.Action == AutoscaleAction.None || input.LastScaledAt is not { } at) return decision;
        var until = at + input.Settings.Cooldown;
        if (input.Now >= until) return decision;
        string verb = decision.Action == AutoscaleAction.Up ? "up" : "down";
        if (decision.NewReplicas is { } replicas)
        {
            return decision with
            {
                Action = AutoscaleAction.None,
                Held = true,
                Reason = AutoscaleReasons.Cooldown,
                Message = Invariant($"Held by the cooldown: would scale {(replicas > input.Replicas ? "out" : "in")} to {replicas} replica(s), but the size changed {Seconds(input.Now - at)} ago and the cooldown is {Seconds(input.Settings.Cooldown)} ({Seconds(until - input.Now)} left). ") + decision.Message,
            };
        }

        return decision with
        {
            Action = AutoscaleAction.None,
            Held = true,
            Reason = AutoscaleReasons.Cooldown,
            Message = Invariant($"Held by the cooldown: would scale {verb} to {decision.NewCpu:0.##} CPU, {decision.NewMemoryMiB} MiB, but the size changed {Seconds(input.Now - at)} ago and the cooldown is {Seconds(input.Settings.Cooldown)} ({Seconds(until - input.Now)} left). ") + decision.Message,
        };
    }

    internal readonly record struct WindowRead(bool Covered, double Min, double Max, double Mean, double Latest);

    /// <summary>
    /// The buckets overlapping the last <paramref name="length"/>. Covered means samples at the current size reach back to
    /// the window's start, so "the whole window" is a fact and not a guess.
    /// </summary>
    static WindowRead Read(List<MetricBucket> current, AutoscaleInput input, TimeSpan length, Func<MetricBucket, double> value)
    {
        var from = input.Now - length;
        var inWindow = current.Where(b => b.Start + input.BucketLength > from).ToList();
        double latest = value(current[^1]);
        if (inWindow.Count == 0) return new WindowRead(false, latest, latest, latest, latest);
        bool covered = current[0].Start <= from;
        double sum = 0, weight = 0;
        foreach (var b in inWindow)
        {
            sum += value(b) * b.Samples;
            weight += b.Samples;
        }

        return new WindowRead(covered, inWindow.Min(value), inWindow.Max(value), weight > 0 ? sum / weight : latest, latest);
    }

    static double ClampCpu(AutoscaleSettings s, double cpu) =>
        Math.Round(Math.Clamp(Math.Ceiling(cpu / CpuStep - 1e-9) * CpuStep, s.MinCpu, s.MaxCpu), 2);

    static int ClampMemory(AutoscaleSettings s, double memoryMiB) =>
        Math.Clamp((int)Math.Min(int.MaxValue, Math.Ceiling(memoryMiB / MemoryStepMiB - 1e-9) * MemoryStepMiB), s.MinMemoryMiB, s.MaxMemoryMiB);

    static AutoscaleDecision None(AutoscaleInput input, string reason, string message) =>
        new(AutoscaleAction.None, input.Cpu, input.MemoryMiB, reason, message);

    static string Join(string? a, string? b) => a is null ? b! : b is null ? a : a + "; " + b;

    static string Seconds(TimeSpan t) => Invariant($"{t.TotalSeconds:0} s");

    static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
