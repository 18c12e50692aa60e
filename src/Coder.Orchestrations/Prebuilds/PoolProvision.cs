namespace Coder.Orchestrations.Prebuilds;

/// <summary>Provision <paramref name="Count"/> new members of <paramref name="Target"/>'s pool; <paramref name="Message"/> is the decision with its numbers.</summary>
public sealed record PoolProvision(PoolTarget Target, int Count, string Message);
