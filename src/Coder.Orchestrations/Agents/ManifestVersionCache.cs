using Coder.Orchestrations.Common;
using Coder.Orchestrations.Provisioning.AgentDelivery;
using Coder.Orchestrations.Secrets;
using Coder.Orchestrations.State;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Agents;

/// <summary>
/// The config version last built for a workspace's build, so an agent's poll (<c>If-None-Match</c>) and every ingest reply
/// cost one workspace row read rather than a whole manifest (the owner's secrets and dotfiles, a hash). An entry holds while
/// everything the manifest is built from is unchanged: the workspace row (its ETag: drain hint, parameters, version, a
/// pending build), the fleet's heartbeat floor, and the owner's secrets and dotfiles (<see cref="OwnerConfigStamps"/>, this
/// instance's writes at once). Template versions never change. Entries live <c>Coder:Agent:ManifestCacheSeconds</c>,
/// which bounds how late another instance's secret change is seen.
/// </summary>
public sealed class ManifestVersionCache(OwnerConfigStamps stamps, TimeProvider time, IOptions<AgentBootstrapOptions> options)
{
    /// <summary>One entry per live build of a busy control plane.</summary>
    const int MaxEntries = 100_000;

    sealed record Entry(string WorkspaceETag, int HeartbeatFloor, long OwnerStamp, string Version);

    readonly ExpiringCache<Entry> _entries = new(time, TimeSpan.FromSeconds(options.Value.ManifestCacheSeconds), MaxEntries);

    public string? Find(WorkspaceEntity workspace, string buildId, int heartbeatFloor) =>
        _entries.TryGet(Key(workspace, buildId), out var entry)
        && entry.WorkspaceETag == workspace.ETag.ToString() && entry.HeartbeatFloor == heartbeatFloor && entry.OwnerStamp == stamps.Of(workspace.PartitionKey)
            ? entry.Version
            : null;

    /// <summary>Records the version just built; <paramref name="ownerStamp"/> is the owner's stamp read before the build began.</summary>
    public void Set(WorkspaceEntity workspace, string buildId, int heartbeatFloor, long ownerStamp, string version) =>
        _entries.Set(Key(workspace, buildId), new Entry(workspace.ETag.ToString(), heartbeatFloor, ownerStamp, version));

    static string Key(WorkspaceEntity workspace, string buildId) => workspace.RowKey + "/" + buildId;
}
