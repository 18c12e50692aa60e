namespace Coder.Orchestrations.Common;

/// <summary>A value with the ETag of the row it was read from.</summary>
public sealed record Versioned<T>(T Value, string ETag);
