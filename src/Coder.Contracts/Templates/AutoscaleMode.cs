namespace Coder.Contracts.Templates;

/// <summary>What <c>autoscale.enabled</c> asks for: off, on, or deciding and recording without acting.</summary>
public enum AutoscaleMode
{
    Off,
    On,
    DryRun,
}
