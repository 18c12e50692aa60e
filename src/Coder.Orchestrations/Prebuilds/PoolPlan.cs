namespace Coder.Orchestrations.Prebuilds;

/// <summary>What one pool pass does: members to provision and members to retire.</summary>
public sealed record PoolPlan(IReadOnlyList<PoolProvision> Provisions, IReadOnlyList<PoolRetirement> Retirements);
