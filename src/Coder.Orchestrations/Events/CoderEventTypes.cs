namespace Coder.Orchestrations.Events;

/// <summary>Event types the control plane handles (in) and publishes (out).</summary>
public static class CoderEventTypes
{
    public const string SubscriptionValidation = "Microsoft.EventGrid.SubscriptionValidationEvent";
    public const string ResourceWriteSuccess = "Microsoft.Resources.ResourceWriteSuccess";
    public const string ResourceDeleteSuccess = "Microsoft.Resources.ResourceDeleteSuccess";
    public const string BlobCreated = "Microsoft.Storage.BlobCreated";

    /// <summary>Automation asks for a workspace.</summary>
    public const string WorkspaceRequested = "Coder.Workspace.Requested";

    public const string WorkspaceRunning = "Coder.Workspace.Running";
    public const string WorkspaceStopped = "Coder.Workspace.Stopped";
    public const string WorkspaceFailed = "Coder.Workspace.Failed";
    public const string WorkspaceDeleted = "Coder.Workspace.Deleted";
    public const string WorkspaceSnapshotCompleted = "Coder.Workspace.SnapshotCompleted";
    public const string WorkspaceUpgraded = "Coder.Workspace.Upgraded";
    public const string WorkspaceScaled = "Coder.Workspace.Scaled";
}
