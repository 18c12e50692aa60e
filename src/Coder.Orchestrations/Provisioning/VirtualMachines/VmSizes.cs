namespace Coder.Orchestrations.Provisioning.VirtualMachines;

/// <summary>Maps a workspace size to the smallest general-purpose VM size that holds it.</summary>
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
        Sizes.Where(s => s.Cpu >= cpu && s.MemoryMiB >= memoryMiB).Select(s => s.Name).FirstOrDefault()
        ?? throw new InvalidOperationException($"No VM size offers {cpu} CPU and {memoryMiB} MiB.");
}
