namespace Coder.Orchestrations.Operations.Compute;

/// <summary>What a template version contributes to a workspace's compute spec.</summary>
/// <param name="ReadyTimeoutSeconds">How long the agent has to report ready: the template's, else the control plane's default.</param>
public sealed record ComputeTemplate(string Name, int Version, string? Image, int? DiskGiB, int ReadyTimeoutSeconds);
