namespace Coder.Orchestrations.Provisioning;

/// <param name="Restarted">The platform needed a restart or recreate to apply the size.</param>
/// <param name="LimitsEnforced">False when limits are advisory only; <paramref name="Note"/> says why.</param>
public sealed record ResizeOutcome(bool Restarted, bool LimitsEnforced, string? Note = null);
