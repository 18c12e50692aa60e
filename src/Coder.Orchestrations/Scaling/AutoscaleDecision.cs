namespace Coder.Orchestrations.Scaling;

/// <summary>
/// What the policy decided. <see cref="Held"/> marks a change it wanted but did not make (cooldown, sessions), with the
/// size it would have chosen in <see cref="NewCpu"/>/<see cref="NewMemoryMiB"/>. <see cref="Reason"/> is machine-readable;
/// <see cref="Message"/> is the sentence with the numbers.
/// </summary>
public sealed record AutoscaleDecision(AutoscaleAction Action, double NewCpu, int NewMemoryMiB, string Reason, string Message, bool Held = false)
{
    /// <summary>The replica count it chose (or would have, when held); null: the count stays.</summary>
    public int? NewReplicas { get; init; }
}
