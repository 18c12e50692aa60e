using System.Diagnostics;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Provisioning.Local;
using Coder.Orchestrations.Snapshots.Orchestrators;
using Coder.Orchestrations.Snapshots.Storage;
using Coder.Orchestrations.State;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Snapshots.Activities;

/// <summary>
/// Quiesce and resume: runs the workspace's <c>.coder/hooks/pre-snapshot</c> or <c>post-snapshot</c> script, if it has
/// one, in the workspace folder with a timeout, so scripts can flush state (a database checkpoint, a paused writer) before
/// the capture. A hook is workspace code, so it runs in the workspace's sandbox as its user, never as the host. Hooks are a local-provisioner feature; other platforms report that they run none. Re-running a hook on
/// redelivery is the hook's own concern, so they should be idempotent.
/// </summary>
public sealed class RunSnapshotHookActivity(WorkspaceStore workspaces, ProvisionerRegistry provisioners, IOptions<SnapshotStoreOptions> options)
{
    public const string HookFolder = ".coder/hooks";

    public async Task<SnapshotHookResult> RunAsync(SnapshotStepInput input, CancellationToken cancellationToken)
    {
        var workspace = await workspaces.GetAsync(input.Owner, input.WorkspaceId, cancellationToken)
            ?? throw new InvalidOperationException($"Workspace {input.WorkspaceId} no longer exists.");
        if (provisioners.Get(workspace.Provisioner) is not LocalProcessProvisioner local) return new SnapshotHookResult(true, "The provisioner runs no snapshot hooks.");
        string dir = local.WorkspaceDirectory(workspace.ComputeRef());
        string hook = Path.Combine(dir, HookFolder, input.Hook!);
        if (!File.Exists(hook)) return new SnapshotHookResult(true, $"No {input.Hook} hook.");

        var psi = local.WorkspaceCommand(workspace.ComputeRef(), ["/bin/sh", hook], new Dictionary<string, string>
        {
            ["CODER_SNAPSHOT_ID"] = input.SnapshotId,
            ["CODER_WORKSPACE_DIR"] = dir,
        });
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("The hook did not start.");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
        int timeout = options.Value.HookTimeoutSeconds;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(timeout));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            return new SnapshotHookResult(false, $"The {input.Hook} hook did not finish within {timeout} s.");
        }

        string error = (await stderr).Trim();
        return process.ExitCode == 0
            ? new SnapshotHookResult(true, $"The {input.Hook} hook succeeded.")
            : new SnapshotHookResult(false, $"The {input.Hook} hook exited with {process.ExitCode}{(error.Length == 0 ? "" : ": " + error[..Math.Min(error.Length, 500)])}.");
    }
}
