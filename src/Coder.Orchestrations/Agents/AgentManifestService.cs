using Coder.Contracts.Agents;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Connect;
using Coder.Orchestrations.Provisioning.AgentDelivery;
using Coder.Orchestrations.Secrets;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Templates;
using Coder.Orchestrations.Templates.Parameters;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Agents;

/// <summary>
/// Builds an agent's manifest from its workspace's template version. The config version is a hash of the content, so
/// any change (a promoted version, new intervals) changes it and the agent re-fetches.
/// </summary>
public sealed class AgentManifestService(AgentTokenService tokens, WorkspaceStore workspaces, TemplateStore templates, RelayTokenService relay, SecretStore secrets,
    DotfilesStore dotfiles, FleetHeartbeat heartbeat, ManifestVersionCache versions, OwnerConfigStamps stamps, AgentReuseWindow reuse, IOptions<AgentBootstrapOptions> options)
{
    public const int DefaultScriptTimeoutSeconds = 300;

    /// <summary>The manifest for the agent holding this token, or null when the token is not valid for a current build (401).</summary>
    public async Task<AgentManifest?> GetAsync(string? token, CancellationToken cancellationToken) =>
        (await GetWithWorkspaceAsync(token, cancellationToken))?.Manifest;

    /// <summary>The manifest and the workspace row it was built from, or null (401).</summary>
    public async Task<(AgentManifest Manifest, WorkspaceEntity Workspace)?> GetWithWorkspaceAsync(string? token, CancellationToken cancellationToken) =>
        await AuthenticateAsync(token, cancellationToken) is var (principal, workspace) ? (await BuildAsync(principal, workspace, cancellationToken), workspace) : null;

    /// <summary>
    /// The config version of the manifest <see cref="GetAsync"/> would answer, or null when the token is not valid for a
    /// current build (401): what an agent's poll is compared with and what every ingest reply carries. Answered from
    /// <see cref="ManifestVersionCache"/> while nothing the manifest is built from changed, and from the token and workspace
    /// rows as read or written here within <see cref="AgentReuseWindow"/>: in steady state it costs no storage call. A
    /// version answers nothing secret; the manifest itself is always built from a fresh read. An unclaimed warm-pool
    /// member's rows are checked within the token cache's time, so a claim elsewhere reaches its agent as soon as a revoke would.
    /// </summary>
    public async Task<string?> CurrentVersionAsync(string? token, CancellationToken cancellationToken)
    {
        var window = await reuse.GetAsync(cancellationToken);
        var found = await AuthenticateAsync(token, window, cancellationToken);
        if (found is { Workspace: var member } && member.PoolPreset is not null && member.PoolClaim is null && window > tokens.CacheTime)
            found = await AuthenticateAsync(token, tokens.CacheTime, cancellationToken);
        if (found is not var (principal, workspace)) return null;
        return versions.Find(workspace, principal.BuildId, await heartbeat.FloorSecondsAsync(cancellationToken))
            ?? (await BuildAsync(principal, workspace, cancellationToken)).ConfigVersion;
    }

    async Task<AgentManifest> BuildAsync(AgentTokenEntity principal, WorkspaceEntity workspace, CancellationToken cancellationToken)
    {
        // Read before anything the version is built from, so a change that lands during the build leaves a stale stamp behind.
        long ownerStamp = stamps.Of(workspace.PartitionKey);
        int floor = await heartbeat.FloorSecondsAsync(cancellationToken);

        // A blue-green green runs the version it upgrades to while blue still runs the old one.
        bool pending = workspace.PendingBuild is { } p && p == principal.BuildId;
        int version = pending ? workspace.PendingTemplateVersion ?? workspace.TemplateVersion : workspace.TemplateVersion;
        var template = await templates.GetVersionAsync(workspace.Template, version, cancellationToken)
            ?? throw CoderProblemException.NotFound($"Template {workspace.Template} v{version}");

        var spec = template.Spec;
        var o = options.Value;

        // The owner's (the workspace row's partition), never the caller's: an agent token names exactly one workspace.
        string owner = workspace.PartitionKey;
        // As read here within ManifestCacheSeconds while no change of the owner's was made here: the bound the version cache
        // already puts on seeing another instance's change. A fleet whose intervals change rebuilds every manifest at once.
        var ownerInputsAge = TimeSpan.FromSeconds(o.ManifestCacheSeconds);
        var ownerSecrets = secrets.OpenAllAsync(owner, ownerInputsAge, cancellationToken);
        var ownerDotfiles = await dotfiles.GetAsync(owner, ownerInputsAge, cancellationToken);
        var opened = await ownerSecrets;
        var manifest = new AgentManifest(
            workspace.RowKey,
            "",
            (spec.StartupScripts ?? []).Select(s => new ManifestScript(s.Name!, s.Script!, s.TimeoutSeconds ?? DefaultScriptTimeoutSeconds, s.BlocksReady ?? false)).ToList(),
            new Dictionary<string, string>(spec.Env ?? new Dictionary<string, string>(), StringComparer.Ordinal),
            ManifestVersionCache.Intervals(spec.Agent?.HeartbeatSeconds, spec.Agent?.MetricsSeconds, floor, o),
            spec.Agent?.Plugins ?? [])
        {
            ShutdownScripts = (spec.ShutdownScripts ?? []).Select(s => new ManifestScript(s.Name!, s.Script!, s.TimeoutSeconds ?? DefaultScriptTimeoutSeconds, s.BlocksReady ?? false)).ToList(),
            ReadyTimeoutSeconds = spec.Agent?.ReadyTimeoutSeconds ?? o.ReadyTimeoutSeconds,
            Drain = workspace.DrainRequestId is { } drain ? new AgentDrainHint(drain, workspace.DrainReason ?? "resize") : null,
            Connect = relay.ManifestSettings(workspace.RowKey),
            Parameters = BuildParameters(spec, pending ? workspace.ParametersJson : workspace.BuildParametersJson),
            Repositories = (spec.Repositories ?? [])
                .Select(r => new ManifestRepository(r.Url!, r.Path ?? RepositoryUrls.DefaultPath(r.Url!), r.Ref, r.Depth, r.CredentialSecret)).ToList(),
            Dotfiles = ownerDotfiles is { } d ? new ManifestDotfiles(d.Url, d.InstallScript, d.CredentialSecret) : null,
            Secrets = opened.ToDictionary(s => s.Name, s => s.Version, StringComparer.Ordinal),
            // An unclaimed warm-pool member; part of the hash, so a claim always changes the config version.
            AwaitingClaim = workspace.PoolPreset is not null && workspace.PoolClaim is null,
        };

        string configVersion = versions.Set(workspace, principal.BuildId, floor, ownerStamp, manifest, spec.Agent?.HeartbeatSeconds, spec.Agent?.MetricsSeconds);
        return manifest with { ConfigVersion = configVersion, Secrets = opened.ToDictionary(s => s.Name, s => s.Value, StringComparer.Ordinal) };
    }

    /// <summary>
    /// The token's principal and its workspace, when the token belongs to the workspace's current build (or the build a
    /// blue-green upgrade is bringing up); null otherwise (401).
    /// </summary>
    public Task<(AgentTokenEntity Principal, WorkspaceEntity Workspace)?> AuthenticateAsync(string? token, CancellationToken cancellationToken) =>
        AuthenticateAsync(token, TimeSpan.Zero, cancellationToken);

    /// <summary><see cref="AuthenticateAsync(string?, CancellationToken)"/> on a workspace row read or written here at most <paramref name="maxAge"/> ago.</summary>
    async Task<(AgentTokenEntity Principal, WorkspaceEntity Workspace)?> AuthenticateAsync(string? token, TimeSpan maxAge, CancellationToken cancellationToken)
    {
        var principal = await tokens.FindAsync(token, maxAge > tokens.CacheTime ? maxAge : tokens.CacheTime, cancellationToken);
        if (principal is null) return null;
        var workspace = await workspaces.GetRecentAsync(principal.Owner, principal.WorkspaceId, maxAge, cancellationToken);
        if (workspace is null || workspace.IsIn(Contracts.Workspaces.WorkspaceStatus.Deleted)) return null;
        if (workspace.AgentBuild != principal.BuildId && workspace.PendingBuild != principal.BuildId) return null;
        return (principal, workspace);
    }

    /// <summary>
    /// The build's values of the parameters its version declares, as text (a declared one without a stored value takes its
    /// default). A green of a blue-green upgrade runs the workspace's current values; a live build the ones it started with.
    /// </summary>
    static Dictionary<string, string> BuildParameters(Contracts.Templates.TemplateSpec spec, string? valuesJson)
    {
        var values = ParameterValues.Read(valuesJson);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in spec.Parameters ?? [])
        {
            var value = values.TryGetValue(p.Name!, out var stored) ? stored : p.Default;
            if (value is { } text) result[p.Name!] = ParameterValues.Text(text);
        }

        return result;
    }
}
