namespace Coder.Orchestrations.Provisioning.ContainerInstances;

/// <summary>
/// ACI's rounding is not drift. The provisioner sends memory as GiB with one decimal (<see cref="ContainerGroupSpec.MemoryInGb"/>);
/// the service may report that amount back as it was sent or in decimal GB rounded to 0.1 (1.5 GiB is 1.61 GB, so 1.6).
/// Both are the declared size; anything else (3 GB for a declared 1.5 GiB) was changed outside. CPU is compared to
/// 0.01 core, the finest step a request is written with.
/// </summary>
public sealed class AciSizeRule : IUnitSizeRule
{
    public static AciSizeRule Instance { get; } = new();

    /// <summary>Half of the 0.01-core step, plus floating-point slack.</summary>
    const double CpuTolerance = 0.005 + 1e-9;

    /// <summary>Bytes in a GiB over bytes in a GB.</summary>
    const double GbPerGib = 1073741824 / 1e9;

    AciSizeRule()
    {
    }

    public bool Runs(ObservedUnitSize unit, double cpu, int memoryMiB)
    {
        if (unit.Cpu is not { } c || unit.MemoryMiB is not { } observedMiB || Math.Abs(c - cpu) > CpuTolerance) return false;
        double sent = ContainerGroupSpec.MemoryInGb(memoryMiB);
        double inDecimalGb = Math.Max(0.1, Math.Round(memoryMiB / 1024.0 * GbPerGib, 1, MidpointRounding.AwayFromZero));
        // Reported GB are kept as MiB (×1024, rounded); one MiB of slack undoes that rounding.
        return Math.Abs(observedMiB - sent * 1024) <= 1 || Math.Abs(observedMiB - inDecimalGb * 1024) <= 1;
    }
}
