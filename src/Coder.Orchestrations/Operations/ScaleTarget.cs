namespace Coder.Orchestrations.Operations;

/// <summary>A size change and the size it replaces (for the rollback).</summary>
public sealed record ScaleTarget(double Cpu, int MemoryMiB, int Replicas, double FromCpu, int FromMemoryMiB, int FromReplicas)
{
    /// <summary>The declared size applied again (the reconciler's repair of a size changed from outside): nothing the agents see changes.</summary>
    public static ScaleTarget Same(double cpu, int memoryMiB, int replicas) => new(cpu, memoryMiB, replicas, cpu, memoryMiB, replicas);

    /// <summary>Whether the target is the size it replaces (see <see cref="Same"/>).</summary>
    public bool Unchanged => Cpu == FromCpu && MemoryMiB == FromMemoryMiB && Replicas == FromReplicas;

    public ScaleTarget Reverse() => new(FromCpu, FromMemoryMiB, FromReplicas, Cpu, MemoryMiB, Replicas);

    public string Describe() => $"{Cpu} CPU, {MemoryMiB} MiB, {Replicas} replica(s)";

    public string DescribeFrom() => $"{FromCpu} CPU, {FromMemoryMiB} MiB, {FromReplicas} replica(s)";
}
