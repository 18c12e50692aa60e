using Coder.Orchestrations.State;

namespace Coder.Testing.ControlPlane;

/// <summary>The row of a workspace that is running one replica of one build, for tests that seed state directly.</summary>
public static class RunningWorkspaceRows
{
    public static WorkspaceEntity Create(string owner, string workspaceId, string template, string build)
    {
        var now = DateTimeOffset.UtcNow;
        return new WorkspaceEntity
        {
            PartitionKey = owner,
            RowKey = workspaceId,
            Name = template + "-" + Guid.NewGuid().ToString("N")[..8],
            Template = template,
            TemplateVersion = 1,
            Status = "running",
            AgentBuild = build,
            Replicas = 1,
            CreatedAt = now,
            UpdatedAt = now,
            CreatedBy = owner,
        };
    }
}
