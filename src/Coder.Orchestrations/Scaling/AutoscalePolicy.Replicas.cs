namespace Coder.Orchestrations.Scaling;

/// <summary>The horizontal half of the policy: how many replicas, with the same windows and bands as the size.</summary>
public static partial class AutoscalePolicy
{
    /// <summary>
    /// Out, at once, when the open sessions need more replicas than run (<c>targetSessionsPerReplica</c>); or when CPU was
    /// above its band for the whole up window and each replica already has the most CPU it may, sized like a vertical
    /// step: replicas × mean ÷ target. Null when the count stays.
    /// </summary>
    static AutoscaleDecision? ScaleOut(AutoscaleInput input, WindowRead cpuUp, double cpuUpAt)
    {
        var s = input.Settings;
        if (s.MaxReplicas is not { } max || input.Replicas >= max) return null;
        int forSessions = ReplicasForSessions(input);
        if (forSessions > input.Replicas)
        {
            return Replicas(input, AutoscaleAction.Up, forSessions, AutoscaleReasons.HighSessions,
                Invariant($"Scale out: {input.ActiveSessions} session(s) open and each replica is meant to carry {s.TargetSessionsPerReplica}, {input.Replicas} → {forSessions} replica(s)."));
        }

        if (!cpuUp.Covered || cpuUp.Min <= cpuUpAt || input.Cpu < s.MaxCpu) return null;
        int wanted = Math.Clamp((int)Math.Ceiling(input.Replicas * cpuUp.Mean / s.TargetCpuPercent - 1e-9), input.Replicas + 1, max);
        return Replicas(input, AutoscaleAction.Up, wanted, AutoscaleReasons.HighCpu,
            Invariant($"Scale out: CPU {cpuUp.Mean:0.#}% (lowest {cpuUp.Min:0.#}%) above {cpuUpAt:0.#}% (target {s.TargetCpuPercent:0.#}% + {UpBand:P0}) for the whole {Seconds(s.ScaleUpAfter)} window with each replica at its maximum of {s.MaxCpu:0.##} CPU, {input.Replicas} → {wanted} replica(s) (≈{cpuUp.Mean * input.Replicas / wanted:0.#}% after)."));
    }

    /// <summary>
    /// In, before any size goes down: CPU below its band for the whole down window, sized from the window's peak so the
    /// load stays under target, and never below <c>minReplicas</c> or what the open sessions need. Null when the count stays.
    /// </summary>
    static AutoscaleDecision? ScaleIn(AutoscaleInput input, WindowRead cpuDown, double cpuDownAt)
    {
        var s = input.Settings;
        int min = Math.Max(s.MinReplicas ?? input.Replicas, ReplicasForSessions(input));
        if (input.Replicas <= min || !cpuDown.Covered || cpuDown.Max >= cpuDownAt) return null;
        int wanted = Math.Clamp((int)Math.Ceiling(input.Replicas * cpuDown.Max / s.TargetCpuPercent - 1e-9), min, input.Replicas - 1);
        string floor = s.TargetSessionsPerReplica is { } per && input.ActiveSessions > 0
            ? Invariant($"; {input.ActiveSessions} session(s) at {per} per replica keep at least {ReplicasForSessions(input)}")
            : "";
        return Replicas(input, AutoscaleAction.Down, wanted, AutoscaleReasons.LowUtilization,
            Invariant($"Scale in: CPU peak {cpuDown.Max:0.#}% below {cpuDownAt:0.#}% (target {s.TargetCpuPercent:0.#}% − {DownBand:P0}) for the whole {Seconds(s.ScaleDownAfter)} window, {input.Replicas} → {wanted} replica(s) (peak ≈{cpuDown.Max * input.Replicas / wanted:0.#}% after){floor}."));
    }

    /// <summary>The replicas the open sessions need at <c>targetSessionsPerReplica</c> (within the bounds); 1 without that target.</summary>
    static int ReplicasForSessions(AutoscaleInput input)
    {
        var s = input.Settings;
        if (s.TargetSessionsPerReplica is not { } per) return 1;
        int needed = Math.Max(1, (int)Math.Ceiling(input.ActiveSessions / (double)per));
        return Math.Clamp(needed, s.MinReplicas ?? 1, s.MaxReplicas ?? Math.Max(needed, input.Replicas));
    }

    static AutoscaleDecision Replicas(AutoscaleInput input, AutoscaleAction action, int replicas, string reason, string message) =>
        new(action, input.Cpu, input.MemoryMiB, reason, message) { NewReplicas = replicas };
}
