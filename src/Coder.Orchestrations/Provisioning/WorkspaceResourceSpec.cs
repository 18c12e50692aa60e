namespace Coder.Orchestrations.Provisioning;

/// <summary>What a workspace should look like on its platform.</summary>
/// <param name="AgentEnvironment">
/// Variables the agent needs (workspace id, agent token, transport settings). They hold a secret, so provisioners pass
/// them as secure values and never log them.
/// </param>
public sealed record WorkspaceResourceSpec(
    WorkspaceRef Workspace,
    string Template,
    int TemplateVersion,
    string? Image,
    double Cpu,
    int MemoryMiB,
    int? DiskGiB,
    int Replicas,
    string BuildId,
    IReadOnlyDictionary<string, string> AgentEnvironment)
{
    public override string ToString() =>
        $"WorkspaceResourceSpec {{ {Workspace}, {Template} v{TemplateVersion}, {Cpu} CPU, {MemoryMiB} MiB, {Replicas} replica(s), build {BuildId} }}";
}
