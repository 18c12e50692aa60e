namespace Coder.Orchestrations.Prebuilds;

/// <summary>Delete the unclaimed member <paramref name="Id"/>; <paramref name="Message"/> says why, with the pool's numbers.</summary>
public sealed record PoolRetirement(string Id, string Reason, string Message);
