namespace Coder.Orchestrations.Provisioning.VirtualMachines;

/// <summary>
/// A VM runs its declared size when its <c>hardwareProfile.vmSize</c> is the size <see cref="VmSizes.For"/> picks for
/// it: the mapping is many-to-one (1.5 CPU and 2 CPU both get Standard_B2s), so the numbers alone cannot tell. A size
/// set from outside that the table does not hold is never the declared one.
/// </summary>
public sealed class VmSizeRule : IUnitSizeRule
{
    public static VmSizeRule Instance { get; } = new();

    VmSizeRule()
    {
    }

    public bool Runs(ObservedUnitSize unit, double cpu, int memoryMiB) =>
        unit.PlatformSize is { } observed && VmSizes.TryFor(cpu, memoryMiB) is { } declared && string.Equals(observed, declared, StringComparison.OrdinalIgnoreCase);

    /// <summary>The one unit of a VM whose <c>hardwareProfile.vmSize</c> is <paramref name="vmSize"/>; null when ARM reports none (unknown, not drift).</summary>
    public static IReadOnlyList<ObservedUnitSize>? Observe(string? vmSize)
    {
        if (string.IsNullOrWhiteSpace(vmSize)) return null;
        var offered = VmSizes.Of(vmSize);
        return [new ObservedUnitSize(0, offered?.Cpu, offered?.MemoryMiB, vmSize, Instance)];
    }
}
