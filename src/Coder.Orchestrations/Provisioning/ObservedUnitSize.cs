namespace Coder.Orchestrations.Provisioning;

/// <summary>The size one compute unit really runs with, as the platform reports it (locally: its cgroup's limits).</summary>
/// <param name="Replica">Which unit.</param>
/// <param name="Cpu">Its CPU limit in cores; null when it has none (or the platform size is not one the provisioner maps).</param>
/// <param name="MemoryMiB">Its memory limit in MiB; null when it has none (or the platform size is not one the provisioner maps).</param>
/// <param name="PlatformSize">The size in the platform's own words (a VM size such as <c>Standard_D4s_v5</c>, or <c>cpu 1, memoryInGB 1.6</c> on ACI); null locally.</param>
/// <param name="Rule">How the platform's report compares with a declared size; null compares exactly (cgroup limits).</param>
public sealed record ObservedUnitSize(int Replica, double? Cpu, long? MemoryMiB, string? PlatformSize = null, IUnitSizeRule? Rule = null)
{
    /// <summary>
    /// Whether the unit runs with <paramref name="cpu"/> and <paramref name="memoryMiB"/>: by the platform's rule where it
    /// has one, otherwise exactly (CPU to the platform's microsecond quota).
    /// </summary>
    public bool Matches(double cpu, int memoryMiB) =>
        Rule?.Runs(this, cpu, memoryMiB) ?? (Cpu is { } c && Math.Abs(c - cpu) < 0.001 && MemoryMiB == memoryMiB);

    public string Describe()
    {
        string limits = $"{(Cpu is { } c ? $"{c:0.###} CPU" : "no CPU limit")}, {(MemoryMiB is { } m ? $"{m} MiB" : "no memory limit")}";
        if (PlatformSize is not { } platform) return limits;
        return Cpu is null && MemoryMiB is null ? $"{platform} (a size this provisioner does not map)" : $"{platform} ({limits})";
    }
}
