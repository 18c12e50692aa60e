namespace Coder.Orchestrations.Provisioning;

/// <summary>The size one compute unit really runs with, as the platform reports it (locally: its cgroup's limits).</summary>
/// <param name="Replica">Which unit.</param>
/// <param name="Cpu">Its CPU limit in cores; null when it has none.</param>
/// <param name="MemoryMiB">Its memory limit in MiB; null when it has none.</param>
public sealed record ObservedUnitSize(int Replica, double? Cpu, long? MemoryMiB)
{
    /// <summary>Whether the unit runs with exactly <paramref name="cpu"/> and <paramref name="memoryMiB"/> (CPU to the platform's microsecond quota).</summary>
    public bool Matches(double cpu, int memoryMiB) => Cpu is { } c && Math.Abs(c - cpu) < 0.001 && MemoryMiB == memoryMiB;

    public string Describe() => $"{(Cpu is { } c ? $"{c:0.###} CPU" : "no CPU limit")}, {(MemoryMiB is { } m ? $"{m} MiB" : "no memory limit")}";
}
