using Coder.Contracts.Templates;

namespace Coder.Orchestrations.Scaling;

/// <summary>
/// A template's <c>autoscale</c> block with its defaults filled in and its bounds clamped to the template's limits, so the
/// policy never proposes a size the API would refuse.
/// </summary>
public sealed record AutoscaleSettings(
    AutoscaleMode Mode,
    double MinCpu,
    double MaxCpu,
    int MinMemoryMiB,
    int MaxMemoryMiB,
    double TargetCpuPercent,
    double TargetMemoryPercent,
    TimeSpan ScaleUpAfter,
    TimeSpan ScaleDownAfter,
    TimeSpan Cooldown)
{
    /// <summary>Horizontal bounds; with both null the autoscaler keeps the workspace's replica count.</summary>
    public int? MinReplicas { get; init; }

    /// <summary>At most the template's <c>limits.maxReplicas</c>.</summary>
    public int? MaxReplicas { get; init; }

    public int? TargetSessionsPerReplica { get; init; }

    public const double DefaultTargetCpuPercent = 70;
    public const double DefaultTargetMemoryPercent = 80;
    public static readonly TimeSpan DefaultScaleUpAfter = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan DefaultScaleDownAfter = TimeSpan.FromSeconds(300);
    public static readonly TimeSpan DefaultCooldown = TimeSpan.FromSeconds(120);

    /// <summary>The settings of a validated template, or null when it does not autoscale.</summary>
    public static AutoscaleSettings? From(TemplateSpec spec)
    {
        if (spec.Autoscale is not { } a || AutoscaleEnabled.Parse(a.Enabled) is not ({ } mode and not AutoscaleMode.Off)) return null;
        double limitCpu = spec.Limits?.MaxCpu ?? spec.Resources?.Cpu ?? 1;
        int limitMemory = spec.Limits?.MaxMemoryMiB ?? spec.Resources?.MemoryMiB ?? 1024;
        double maxCpu = Math.Min(a.MaxCpu ?? limitCpu, limitCpu);
        int maxMemory = Math.Min(a.MaxMemoryMiB ?? limitMemory, limitMemory);
        double minCpu = Math.Clamp(a.MinCpu ?? spec.Resources?.Cpu ?? 0.1, 0.1, maxCpu);
        int minMemory = Math.Clamp(a.MinMemoryMiB ?? spec.Resources?.MemoryMiB ?? 64, 64, maxMemory);
        return new AutoscaleSettings(
            mode, minCpu, maxCpu, minMemory, maxMemory,
            a.TargetCpuPercent ?? DefaultTargetCpuPercent,
            a.TargetMemoryPercent ?? DefaultTargetMemoryPercent,
            a.ScaleUpAfterSeconds is { } up ? TimeSpan.FromSeconds(up) : DefaultScaleUpAfter,
            a.ScaleDownAfterSeconds is { } down ? TimeSpan.FromSeconds(down) : DefaultScaleDownAfter,
            a.CooldownSeconds is { } cool ? TimeSpan.FromSeconds(cool) : DefaultCooldown)
        {
            MinReplicas = a.MinReplicas,
            MaxReplicas = a.MaxReplicas is { } max ? Math.Min(max, spec.Limits?.MaxReplicas ?? max) : null,
            TargetSessionsPerReplica = a.TargetSessionsPerReplica,
        };
    }
}
