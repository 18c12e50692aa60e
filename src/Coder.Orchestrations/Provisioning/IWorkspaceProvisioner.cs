namespace Coder.Orchestrations.Provisioning;

/// <summary>
/// One target platform. Every operation is idempotent and declarative ("make workspace W look like spec S"),
/// because activities are delivered at least once.
/// </summary>
public interface IWorkspaceProvisioner
{
    /// <summary>The name templates use: <c>local</c>, <c>aci</c> or <c>vm</c>.</summary>
    string Name { get; }

    ProvisionerCapabilities Capabilities { get; }

    /// <summary>Creates the workspace's resources if missing and makes them run the spec. A second call with the same spec changes nothing.</summary>
    Task<WorkspaceResourceState> EnsureAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken);

    /// <summary>Starts a stopped workspace (with a fresh agent bootstrap). Starting a running one changes nothing.</summary>
    Task<WorkspaceResourceState> StartAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken);

    /// <summary>Stops the workspace's compute; data is kept. Stopping a stopped or missing one changes nothing.</summary>
    Task StopAsync(WorkspaceRef workspace, CancellationToken cancellationToken);

    /// <summary>Applies size and replicas. Returns whether a restart was needed and whether limits are enforced.</summary>
    Task<ResizeOutcome> ResizeAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken);

    /// <summary>Captures the workspace's data as snapshot <paramref name="request"/>.SnapshotId. Retrying the same id returns the same capture.</summary>
    Task<SnapshotCapture> SnapshotAsync(WorkspaceRef workspace, SnapshotRequest request, CancellationToken cancellationToken);

    /// <summary>Replaces the workspace's data with a snapshot's. On failure the data is left as it was.</summary>
    Task RestoreAsync(WorkspaceRef workspace, RestoreRequest request, CancellationToken cancellationToken);

    /// <summary>Deletes one snapshot from the platform (retention). Deleting a missing one changes nothing. Only when <see cref="ProvisionerCapabilities.SnapshotDelete"/>.</summary>
    /// <param name="location">What <see cref="SnapshotAsync"/> returned as its location; null when the capture never finished.</param>
    Task DeleteSnapshotAsync(WorkspaceRef workspace, string snapshotId, string? location, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the workspace's content went with its compute (its home is missing or empty), so a start should refill it
    /// from a snapshot. False on platforms whose home outlives the compute (<see cref="ProvisionerCapabilities.LostContentRestore"/>).
    /// </summary>
    Task<bool> ContentLostAsync(WorkspaceRef workspace, CancellationToken cancellationToken);

    /// <summary>
    /// Runs the workspace's script at <paramref name="relativePath"/> (under its home) as workspace code: in its sandbox, as
    /// its user, with <paramref name="environment"/>, killed at <paramref name="timeout"/>. Only when
    /// <see cref="ProvisionerCapabilities.SnapshotHooks"/>; others throw <see cref="NotSupportedException"/>.
    /// </summary>
    Task<WorkspaceScriptResult> RunWorkspaceScriptAsync(WorkspaceRef workspace, string relativePath, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Removes everything the workspace owns on the platform. Destroying a missing one changes nothing.</summary>
    Task DestroyAsync(WorkspaceRef workspace, CancellationToken cancellationToken);

    /// <summary>Lists what really exists on the platform, found by the <c>coder-workspace-id</c> tag.</summary>
    Task<IReadOnlyList<InventoryItem>> InventoryAsync(CancellationToken cancellationToken);

    /// <summary>
    /// What <see cref="InventoryAsync"/> would list for one compute instance of one workspace, or null when nothing of it
    /// exists. A lookup of that workspace's resources only, so activities that check one workspace cost the same however
    /// large the fleet is.
    /// </summary>
    Task<InventoryItem?> FindAsync(WorkspaceRef workspace, CancellationToken cancellationToken);
}
