namespace Coder.Orchestrations.Prebuilds;

/// <summary>A pool the active version of <paramref name="Template"/> declares: <paramref name="Instances"/> members built with <paramref name="PresetKey"/>.</summary>
public sealed record PoolTarget(string Template, int Version, string PresetKey, int Instances);
