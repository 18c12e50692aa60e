namespace Coder.Orchestrations.Provisioning;

/// <summary>Tags every provisioner puts on what it creates, so inventory can find it.</summary>
public static class ProvisionerTags
{
    public const string WorkspaceId = "coder-workspace-id";
    public const string TemplateVersion = "coder-template-version";
    public const string BuildId = "coder-build-id";
    public const string Owner = "coder-owner";
}
