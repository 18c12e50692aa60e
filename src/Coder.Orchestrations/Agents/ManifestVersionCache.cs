using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Coder.Contracts.Agents;
using Coder.Contracts.Json;
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

    /// <summary>
    /// <paramref name="Hashed"/> is the manifest as hashed (secret versions, not values), kept so that a change of the fleet's
    /// heartbeat floor alone is a new hash of it with new intervals: when the fleet grows past a step, every agent's next
    /// poll and ingest reply would otherwise rebuild its manifest (the owner's secrets and dotfiles) at once.
    /// </summary>
    sealed record Entry(string WorkspaceETag, int HeartbeatFloor, long OwnerStamp, string Version, AgentManifest Hashed, int? TemplateHeartbeatSeconds, int? TemplateMetricsSeconds);

    readonly ExpiringCache<Entry> _entries = new(time, TimeSpan.FromSeconds(options.Value.ManifestCacheSeconds), MaxEntries);

    public string? Find(WorkspaceEntity workspace, string buildId, int heartbeatFloor)
    {
        string key = Key(workspace, buildId);
        if (!_entries.TryGet(key, out var entry) || entry.WorkspaceETag != workspace.ETag.ToString() || entry.OwnerStamp != stamps.Of(workspace.PartitionKey)) return null;
        if (entry.HeartbeatFloor == heartbeatFloor) return entry.Version;
        var hashed = entry.Hashed with { Intervals = Intervals(entry.TemplateHeartbeatSeconds, entry.TemplateMetricsSeconds, heartbeatFloor, options.Value) };
        var moved = entry with { HeartbeatFloor = heartbeatFloor, Hashed = hashed, Version = Hash(hashed) };
        _entries.Set(key, moved);
        return moved.Version;
    }

    /// <summary>
    /// Records the version of <paramref name="hashed"/> (the manifest as hashed) and returns it; <paramref name="ownerStamp"/>
    /// is the owner's stamp read before the build began.
    /// </summary>
    public string Set(WorkspaceEntity workspace, string buildId, int heartbeatFloor, long ownerStamp, AgentManifest hashed, int? templateHeartbeatSeconds, int? templateMetricsSeconds)
    {
        string version = Hash(hashed);
        _entries.Set(Key(workspace, buildId), new Entry(workspace.ETag.ToString(), heartbeatFloor, ownerStamp, version, hashed, templateHeartbeatSeconds, templateMetricsSeconds));
        return version;
    }

    /// <summary>The intervals a manifest hands out: the template's (or the defaults), raised to the fleet's floor.</summary>
    public static AgentIntervals Intervals(int? templateHeartbeatSeconds, int? templateMetricsSeconds, int heartbeatFloor, AgentBootstrapOptions options) =>
        new(Math.Max(templateHeartbeatSeconds ?? options.HeartbeatSeconds, heartbeatFloor),
            Math.Max(templateMetricsSeconds ?? options.MetricsSeconds, FleetHeartbeat.MetricsFloorSeconds(heartbeatFloor, options)));

    /// <summary>
    /// The config version: a hash of the manifest with each secret's version, not its value. It is reported back and shown,
    /// and must not let anyone test guesses of a value against it.
    /// </summary>
    static string Hash(AgentManifest hashed)
    {
        string json = JsonSerializer.Serialize(hashed, CoderJsonContext.Default.AgentManifest);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..16];
    }

    static string Key(WorkspaceEntity workspace, string buildId) => workspace.RowKey + "/" + buildId;
}
