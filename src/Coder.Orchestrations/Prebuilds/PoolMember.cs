namespace Coder.Orchestrations.Prebuilds;

/// <summary>An unclaimed pool member as the planner sees it. <paramref name="Busy"/>: an operation runs on it.</summary>
public sealed record PoolMember(string Id, string Template, int Version, string? PresetKey, string Status, bool Busy, DateTimeOffset CreatedAt);
