namespace Coder.Orchestrations.Security;

/// <summary>Whether a request may proceed and, when not, how long the caller should wait (the Retry-After).</summary>
public sealed record RateLimitDecision(bool Allowed, TimeSpan RetryAfter);
