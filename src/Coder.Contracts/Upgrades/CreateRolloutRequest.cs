namespace Coder.Contracts.Upgrades;

/// <summary>Body of <c>POST /api/templates/{name}/rollouts</c>.</summary>
public sealed record CreateRolloutRequest
{
    public int? Version { get; init; }

    /// <summary>Only <c>canary</c>.</summary>
    public string? Strategy { get; init; }
    public double? CanaryPercent { get; init; }
    public int? BatchSize { get; init; }

    /// <summary>Fractions are allowed (0.05 is three seconds).</summary>
    public double? BakeMinutes { get; init; }
    public double? MaxFailedPercent { get; init; }

    /// <summary>Extension: how each workspace is upgraded (default in-place).</summary>
    public UpgradeStrategy? UpgradeStrategy { get; init; }
}
