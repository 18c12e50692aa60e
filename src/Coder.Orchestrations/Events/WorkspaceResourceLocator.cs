using System.Text.RegularExpressions;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Events;

/// <summary>
/// Finds the workspace a platform resource belongs to. Resource events carry the resource id, not its tags, so the id is
/// matched against what the provisioners recorded on the workspace (case-insensitively: ARM ids vary in case). Names
/// carry the workspace id, which finds the row in one read; a scan is the fallback.
/// </summary>
public sealed partial class WorkspaceResourceLocator(WorkspaceStore workspaces)
{
    public async Task<WorkspaceEntity?> FindAsync(string resourceId, CancellationToken cancellationToken)
    {
        if (WorkspaceIdPattern().Match(resourceId) is { Success: true } match)
        {
            var candidate = await workspaces.FindAsync(match.Value, cancellationToken);
            if (candidate is not null && Owns(candidate, resourceId)) return candidate;
        }

        await foreach (var workspace in workspaces.ScanAsync(cancellationToken))
        {
            if (Owns(workspace, resourceId)) return workspace;
        }

        return null;
    }

    /// <summary>The resource is one the workspace recorded, or a child of one (e.g. a VM's disk under its id).</summary>
    public static bool Owns(WorkspaceEntity workspace, string resourceId)
    {
        string wanted = resourceId.TrimEnd('/');
        foreach (string id in Json.Deserialize<string[]>(workspace.ResourceIds) ?? [])
        {
            string owned = id.TrimEnd('/');
            if (string.Equals(owned, wanted, StringComparison.OrdinalIgnoreCase)) return true;
            if (wanted.StartsWith(owned + "/", StringComparison.OrdinalIgnoreCase)) return true;
        }

        return false;
    }

    [GeneratedRegex("ws-[a-z2-7]{12}")]
    private static partial Regex WorkspaceIdPattern();
}
