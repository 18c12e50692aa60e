namespace Coder.Contracts.Agents;

/// <summary>GET /api/agent/manifest. The agent re-fetches it when <see cref="ConfigVersion"/> changes.</summary>
public sealed record AgentManifest(
    string WorkspaceId,
    string ConfigVersion,
    IReadOnlyList<ManifestScript> Scripts,
    IReadOnlyDictionary<string, string> Env,
    AgentIntervals Intervals,
    IReadOnlyList<AgentPlugin> Plugins)
{
    public IReadOnlyList<ManifestScript> ShutdownScripts { get; init; } = [];
    public int ReadyTimeoutSeconds { get; init; } = 600;

    /// <summary>Set while an operation asks the agent to prepare for a resize; null otherwise.</summary>
    public AgentDrainHint? Drain { get; init; }

    /// <summary>Present when a relay is configured: the agent listens on it only then.</summary>
    public Connect.AgentConnectSettings? Connect { get; init; }

    /// <summary>The build's template parameter values as text, by name; scripts get each as <c>CODER_PARAM_&lt;NAME&gt;</c>.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>Cloned, in order, before the startup scripts run; a path that already holds a clone is left alone.</summary>
    public IReadOnlyList<ManifestRepository> Repositories { get; init; } = [];

    /// <summary>The owner's dotfiles, cloned and installed after the repositories; null when the owner has none.</summary>
    public ManifestDotfiles? Dotfiles { get; init; }

    /// <summary>
    /// The owner's secrets, env name to value: in the environment of scripts, shells and the git credential helper, never
    /// in the agent's logs or events.
    /// </summary>
    public IReadOnlyDictionary<string, string> Secrets { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// True while the workspace is an unclaimed warm-pool member: the agent then long-polls the manifest
    /// (<c>?wait=</c>) so a claim reaches it at once.
    /// </summary>
    public bool AwaitingClaim { get; init; }

    /// <summary>
    /// Set once, in the answer to the first manifest call after a claim: the agent's new token. The token that call
    /// used is revoked by the same write, so from then on only this one works.
    /// </summary>
    public string? Token { get; init; }
}
