using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Provisioning.Local.ChunkStore;
using Coder.Orchestrations.Snapshots.Orchestrators;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Workspaces;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Snapshots.Activities;

/// <summary>
/// Quiesce and resume: runs the workspace's <c>.coder/hooks/pre-snapshot</c> or <c>post-snapshot</c> script, if it has
/// one, in the workspace folder with a timeout, so scripts can flush state (a database checkpoint, a paused writer) before
/// the capture. A hook is workspace code, so the provisioner runs it in the workspace's sandbox as its user, never as the
/// host. Provisioners without <see cref="ProvisionerCapabilities.SnapshotHooks"/> report that they run none. Re-running a
/// hook on redelivery is the hook's own concern, so they should be idempotent.
/// </summary>
public sealed class RunSnapshotHookActivity(WorkspaceStore workspaces, ProvisionerRegistry provisioners, IOptions<SnapshotStoreOptions> options)
{
    public const string HookFolder = ".coder/hooks";

    public async Task<SnapshotHookResult> RunAsync(SnapshotStepInput input, CancellationToken cancellationToken)
    {
        var workspace = await workspaces.GetAsync(input.Owner, input.WorkspaceId, cancellationToken)
            ?? throw new InvalidOperationException($"Workspace {input.WorkspaceId} no longer exists.");
        var provisioner = provisioners.Get(workspace.Provisioner);
        if (!provisioner.Capabilities.SnapshotHooks) return new SnapshotHookResult(true, "The provisioner runs no snapshot hooks.");

        int timeout = options.Value.HookTimeoutSeconds;
        var result = await provisioner.RunWorkspaceScriptAsync(workspace.ComputeRef(), $"{HookFolder}/{input.Hook}",
            new Dictionary<string, string> { ["CODER_SNAPSHOT_ID"] = input.SnapshotId }, TimeSpan.FromSeconds(timeout), cancellationToken);
        return result switch
        {
            { Found: false } => new SnapshotHookResult(true, $"No {input.Hook} hook."),
            { TimedOut: true } => new SnapshotHookResult(false, $"The {input.Hook} hook did not finish within {timeout} s."),
            { ExitCode: 0 } => new SnapshotHookResult(true, $"The {input.Hook} hook succeeded."),
            _ => new SnapshotHookResult(false, $"The {input.Hook} hook exited with {result.ExitCode}{(result.Error.Length == 0 ? "" : ": " + result.Error)}."),
        };
    }
}
