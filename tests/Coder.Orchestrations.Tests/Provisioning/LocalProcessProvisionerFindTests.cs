using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Provisioning.Local;
using Coder.Orchestrations.Tests.Snapshots;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Tests.Provisioning;

/// <summary>
/// The local provisioner's per-workspace lookup against real agent processes (the agent build next to the tests): it
/// finds what the full inventory lists for that one workspace and instance, and nothing of the others.
/// </summary>
[Collection(StorageCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LocalProcessProvisionerFindTests(TestStorage storage) : IAsyncLifetime
{
    const string Alpha = "ws-findalpha01";
    const string Beta = "ws-findbeta001";

    readonly string _data = Path.Combine(Path.GetTempPath(), "coder-find-tests", Guid.NewGuid().ToString("N")[..8]);
    LocalProcessProvisioner _provisioner = null!;

    public Task InitializeAsync()
    {
        var (snapshots, _, _) = SnapshotStoreFactory.Create(storage);
        _provisioner = new LocalProcessProvisioner(
            Options.Create(new LocalProvisionerOptions { DataDirectory = _data, AgentPath = AgentBuildOutput.Dll(), StopTimeoutSeconds = 2 }),
            TimeProvider.System,
            NullLogger<LocalProcessProvisioner>.Instance,
            snapshots);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (string id in new[] { Alpha, Beta }) await _provisioner.DestroyAsync(new WorkspaceRef(id, "alice"), CancellationToken.None);
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Find_returns_the_inventory_item_of_one_compute_instance_and_null_for_what_does_not_exist()
    {
        await _provisioner.EnsureAsync(Spec(Alpha, "b1", replicas: 2), CancellationToken.None);
        await _provisioner.EnsureAsync(Spec(Beta, "b7", replicas: 1), CancellationToken.None);

        var alpha = await Eventually.WaitAsync(() => _provisioner.FindAsync(new WorkspaceRef(Alpha, "alice"), CancellationToken.None),
            i => i is { Running: true, RunningReplicas: 2 }, TimeSpan.FromSeconds(20), "both agents of the first workspace to run");
        Assert.Equal((Alpha, "b1", "local", (string?)null), (alpha!.WorkspaceId, alpha.BuildId, alpha.Provisioner, alpha.Instance));
        var beta = await _provisioner.FindAsync(new WorkspaceRef(Beta, "alice"), CancellationToken.None);
        Assert.Equal((Beta, true, 1, "b7"), (beta!.WorkspaceId, beta.Running, beta.RunningReplicas, beta.BuildId));

        // The same item the whole inventory lists for it.
        var listed = (await _provisioner.InventoryAsync(CancellationToken.None)).Single(i => i.WorkspaceId == Alpha);
        Assert.Equal((listed.ResourceId, listed.Running, listed.RunningReplicas, listed.BuildId, listed.Instance), (alpha.ResourceId, alpha.Running, alpha.RunningReplicas, alpha.BuildId, alpha.Instance));
        Assert.Equal(listed.Tags, alpha.Tags);

        // No second instance (green) of it, and no workspace that was never provisioned.
        Assert.Null(await _provisioner.FindAsync(new WorkspaceRef(Alpha, "alice", "g1"), CancellationToken.None));
        Assert.Null(await _provisioner.FindAsync(new WorkspaceRef("ws-findnone001", "alice"), CancellationToken.None));

        // Stopped: the folder is still there, nothing runs.
        await _provisioner.StopAsync(new WorkspaceRef(Alpha, "alice"), CancellationToken.None);
        var stopped = await _provisioner.FindAsync(new WorkspaceRef(Alpha, "alice"), CancellationToken.None);
        Assert.Equal((false, 0, (string?)null), (stopped!.Running, stopped.RunningReplicas, stopped.BuildId));
        Assert.True((await _provisioner.FindAsync(new WorkspaceRef(Beta, "alice"), CancellationToken.None))!.Running);
    }

    /// <summary>An agent that talks to a control plane nobody listens on: it keeps running and retrying, which is all this needs.</summary>
    static WorkspaceResourceSpec Spec(string workspaceId, string build, int replicas) => new(
        new WorkspaceRef(workspaceId, "alice"), "py", 1, null, 1, 512, null, replicas, build,
        new Dictionary<string, string>
        {
            ["CODER_WORKSPACE_ID"] = workspaceId,
            ["CODER_AGENT_BUILD"] = build,
            ["CODER_AGENT_TOKEN"] = "cda_find-tests-not-a-real-token",
            ["CODER_AGENT_TRANSPORT"] = "http",
            ["CODER_URL"] = "http://127.0.0.1:9",
        });
}
