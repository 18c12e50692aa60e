using System.Runtime.Versioning;
using Coder.Orchestrations.Provisioning;

namespace Coder.Bench.Scenarios.Fleet;

/// <summary>
/// The fleet's platform, a stand-in: the <see cref="NoOpProvisioner"/>'s bookkeeping, whose compute is a
/// <see cref="SimulatedAgent"/> per workspace. A start (the traffic phase's start calls) runs a simulated agent with the token
/// and URL the control plane put in the agent's environment, which reports created → starting → ready through the real
/// ingest; a stop or a delete ends it.
/// </summary>
[SupportedOSPlatform("linux")]
sealed class FleetProvisioner(SimulatedFleet fleet) : IWorkspaceProvisioner
{
    readonly NoOpProvisioner _platform = new();

    public string Name => _platform.Name;

    public ProvisionerCapabilities Capabilities => _platform.Capabilities;

    public async Task<WorkspaceResourceState> EnsureAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken) => Run(spec, await _platform.EnsureAsync(spec, cancellationToken));

    public async Task<WorkspaceResourceState> StartAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken) => Run(spec, await _platform.StartAsync(spec, cancellationToken));

    public async Task StopAsync(WorkspaceRef workspace, CancellationToken cancellationToken)
    {
        await _platform.StopAsync(workspace, cancellationToken);
        await fleet.StopAsync(workspace.WorkspaceId);
    }

    public async Task DestroyAsync(WorkspaceRef workspace, CancellationToken cancellationToken)
    {
        await _platform.DestroyAsync(workspace, cancellationToken);
        await fleet.StopAsync(workspace.WorkspaceId);
    }

    public Task<ResizeOutcome> ResizeAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken) => _platform.ResizeAsync(spec, cancellationToken);

    public Task<SnapshotCapture> SnapshotAsync(WorkspaceRef workspace, SnapshotRequest request, CancellationToken cancellationToken) => _platform.SnapshotAsync(workspace, request, cancellationToken);

    public Task RestoreAsync(WorkspaceRef workspace, RestoreRequest request, CancellationToken cancellationToken) => _platform.RestoreAsync(workspace, request, cancellationToken);

    public Task DeleteSnapshotAsync(WorkspaceRef workspace, string snapshotId, string? location, CancellationToken cancellationToken) =>
        _platform.DeleteSnapshotAsync(workspace, snapshotId, location, cancellationToken);

    public Task<bool> ContentLostAsync(WorkspaceRef workspace, CancellationToken cancellationToken) => _platform.ContentLostAsync(workspace, cancellationToken);

    public Task<WorkspaceScriptResult> RunWorkspaceScriptAsync(WorkspaceRef workspace, string relativePath, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, CancellationToken cancellationToken) =>
        _platform.RunWorkspaceScriptAsync(workspace, relativePath, environment, timeout, cancellationToken);

    public Task<IReadOnlyList<InventoryItem>> InventoryAsync(CancellationToken cancellationToken) => _platform.InventoryAsync(cancellationToken);

    public Task<InventoryItem?> FindAsync(WorkspaceRef workspace, CancellationToken cancellationToken) => _platform.FindAsync(workspace, cancellationToken);

    WorkspaceResourceState Run(WorkspaceResourceSpec spec, WorkspaceResourceState state)
    {
        string id = spec.Workspace.WorkspaceId;
        var env = spec.AgentEnvironment;
        fleet.Start(new SimulatedAgentIdentity(id, spec.BuildId, AgentIds.For(id, spec.BuildId, 0), env["CODER_AGENT_TOKEN"], new Uri(env["CODER_URL"].TrimEnd('/') + "/")), TimeSpan.Zero, reportLifecycle: true);
        return state;
    }
}
