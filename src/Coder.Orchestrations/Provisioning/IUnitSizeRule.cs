namespace Coder.Orchestrations.Provisioning;

/// <summary>
/// How a platform's report of a unit's size compares with a declared size. Platforms round (ACI to 0.1 GB) or map to a
/// catalogue (a VM size), so "runs the declared size" is the provisioner's question, not an equality of numbers.
/// Implementations are pure.
/// </summary>
public interface IUnitSizeRule
{
    /// <summary>Whether <paramref name="unit"/>, as the platform reports it, is what deploying <paramref name="cpu"/> and <paramref name="memoryMiB"/> gives.</summary>
    bool Runs(ObservedUnitSize unit, double cpu, int memoryMiB);
}
