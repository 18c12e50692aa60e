namespace Coder.Orchestrations.Operations;

/// <summary>A size change and the size it replaces (for the rollback).</summary>
public sealed record ScaleTarget(double Cpu, int MemoryMiB, int Replicas, double FromCpu, int FromMemoryMiB, int FromReplicas)
{
    public ScaleTarget Reverse() => new(FromCpu, FromMemoryMiB, FromReplicas, Cpu, MemoryMiB, Replicas);

    public string Describe() => $"{Cpu} CPU, {MemoryMiB} MiB, {Replicas} replica(s)";

    public string DescribeFrom() => $"{FromCpu} CPU, {FromMemoryMiB} MiB, {FromReplicas} replica(s)";
}
