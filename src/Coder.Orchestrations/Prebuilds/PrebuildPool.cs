using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Prebuilds;

/// <summary>
/// The warm pool's system principal. Members are workspace rows in its own partition: no user's list, quota ledger or
/// name space holds them, and only the reconciler and a claim write them.
/// </summary>
public static class PrebuildPool
{
    /// <summary>The partition (owner) of every unclaimed member; ':' keeps it apart from any user name.</summary>
    public const string Owner = "system:prebuilds";

    /// <summary>Who the timeline and the operations name for the pool's own actions.</summary>
    public const string Actor = "prebuilds";

    public const int MaxInstances = Templates.PrebuildsValidator.MaxInstances;

    public static bool IsMember(WorkspaceEntity workspace) => workspace.PartitionKey == Owner;
}
