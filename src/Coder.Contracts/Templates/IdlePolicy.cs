namespace Coder.Contracts.Templates;

public sealed record IdlePolicy(int? StopAfterMinutes);
