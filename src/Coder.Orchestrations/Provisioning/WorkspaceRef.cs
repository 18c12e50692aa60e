namespace Coder.Orchestrations.Provisioning;

/// <summary>Identifies a workspace's resources on a platform.</summary>
/// <param name="Instance">
/// Which compute instance of the workspace: null is the one it was provisioned with; a blue-green upgrade brings up a
/// second one (its green) beside it, and the workspace row says which instance is live.
/// </param>
public sealed record WorkspaceRef(string WorkspaceId, string Owner, string? Instance = null)
{
    /// <summary>Separates the workspace id from the instance in resource names; never part of a workspace id.</summary>
    public const char InstanceSeparator = '~';

    /// <summary>The name of this instance's resources: the workspace id, plus the instance when there is one.</summary>
    public string ComputeName => Instance is null ? WorkspaceId : $"{WorkspaceId}{InstanceSeparator}{Instance}";

    /// <summary>Reads a compute name back into the workspace id and the instance.</summary>
    public static (string WorkspaceId, string? Instance) ParseComputeName(string name)
    {
        int at = name.IndexOf(InstanceSeparator, StringComparison.Ordinal);
        return at < 0 ? (name, null) : (name[..at], name[(at + 1)..]);
    }
}
