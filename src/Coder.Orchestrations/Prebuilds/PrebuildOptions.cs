namespace Coder.Orchestrations.Prebuilds;

/// <summary>Warm pools (section <c>Coder:Prebuilds</c>, e.g. <c>Coder__Prebuilds__HandoverTimeoutSeconds</c>).</summary>
public sealed class PrebuildOptions
{
    public const string Section = "Coder:Prebuilds";

    /// <summary>
    /// How long a claimed member may stay <c>starting</c> without its agent confirming the token handover; then the claim
    /// fails (checked by each reconcile pass, so the bound is this plus one period).
    /// </summary>
    public int HandoverTimeoutSeconds { get; set; } = 30;
}
