namespace Coder.Contracts.Platform;

public sealed record HealthResponse(string Status, IReadOnlyDictionary<string, string> Checks);
