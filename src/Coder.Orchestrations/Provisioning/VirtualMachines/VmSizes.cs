namespace Coder.Orchestrations.Provisioning.VirtualMachines;

/// <summary>Maps a workspace size to the smallest general-purpose VM size that holds it, and a VM size back to what it offers.</summary>
public static class VmSizes
{
    static readonly (string Name, double Cpu, int MemoryMiB)[] Sizes =
    [
        ("Standard_B1ms", 1, 2048),
        ("Standard_B2s", 2, 4096),
        ("Standard_D2s_v5", 2, 8192),
        ("Standard_D4s_v5", 4, 16384),
        ("Standard_E4s_v5", 4, 32768),
        ("Standard_D8s_v5", 8, 32768),
        ("Standard_E8s_v5", 8, 65536),
        ("Standard_D16s_v5", 16, 65536),
        ("Standard_D32s_v5", 32, 131072),
    ];

    public static string For(double cpu, int memoryMiB) =>
        TryFor(cpu, memoryMiB) ?? throw new InvalidOperationException($"No VM size offers {cpu} CPU and {memoryMiB} MiB.");

    /// <summary>The VM size <see cref="For"/> picks, or null when none holds the size.</summary>
    public static string? TryFor(double cpu, int memoryMiB) =>
        Sizes.Where(s => s.Cpu >= cpu && s.MemoryMiB >= memoryMiB).Select(s => s.Name).FirstOrDefault();

    /// <summary>What a VM size of this table offers (ARM compares size names case-insensitively); null for any other size.</summary>
    public static (double Cpu, int MemoryMiB)? Of(string vmSize)
    {
        foreach (var s in Sizes)
        {
            if (string.Equals(s.Name, vmSize, StringComparison.OrdinalIgnoreCase)) return (s.Cpu, s.MemoryMiB);
        }

        return null;
    }
}
