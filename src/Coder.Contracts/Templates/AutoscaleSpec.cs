using System.Text.Json;

namespace Coder.Contracts.Templates;

/// <summary>
/// Autoscale block. <see cref="Enabled"/> is <c>true</c>, <c>false</c> or the string <c>"dry-run"</c>,
/// so it stays a raw JSON value here and is interpreted by the autoscaler.
/// </summary>
public sealed record AutoscaleSpec
{
    public JsonElement? Enabled { get; init; }
    public double? MinCpu { get; init; }
    public double? MaxCpu { get; init; }
    public int? MinMemoryMiB { get; init; }
    public int? MaxMemoryMiB { get; init; }
    public double? TargetCpuPercent { get; init; }
    public double? TargetMemoryPercent { get; init; }
    public int? ScaleUpAfterSeconds { get; init; }
    public int? ScaleDownAfterSeconds { get; init; }
    public int? CooldownSeconds { get; init; }

    /// <summary>Horizontal: the fewest replicas the autoscaler keeps (default: the workspace's own count, so it never scales in).</summary>
    public int? MinReplicas { get; init; }

    /// <summary>Horizontal: the most replicas the autoscaler adds, at most the template's <c>limits.maxReplicas</c> (default: no scaling out).</summary>
    public int? MaxReplicas { get; init; }

    /// <summary>Horizontal: open sessions one replica is meant to carry; more sessions add replicas at once.</summary>
    public int? TargetSessionsPerReplica { get; init; }
}
