namespace Coder.Contracts.Agents;

public sealed record LogPayload(string Source, string Stream, IReadOnlyList<string> Lines, bool Truncated = false);
