namespace Coder.Contracts.Templates;

/// <summary>A template version's specification (API.md "Templates"). Versions are immutable once stored.</summary>
public sealed record TemplateSpec
{
    public string? Name { get; init; }
    public string? Description { get; init; }
    public string? Provisioner { get; init; }
    public string? Image { get; init; }
    public TemplateResources? Resources { get; init; }
    public TemplateLimits? Limits { get; init; }
    public IReadOnlyList<StartupScript>? StartupScripts { get; init; }

    /// <summary>Extension: scripts the agent runs on graceful shutdown (SIGTERM), in order.</summary>
    public IReadOnlyList<StartupScript>? ShutdownScripts { get; init; }
    public IReadOnlyDictionary<string, string>? Env { get; init; }
    public IReadOnlyList<TemplateRepository>? Repositories { get; init; }
    public AutoscaleSpec? Autoscale { get; init; }

    /// <summary>Values each workspace's owner chooses (at create, and for mutable ones later).</summary>
    public IReadOnlyList<TemplateParameter>? Parameters { get; init; }
    public SnapshotPolicy? Snapshots { get; init; }
    public IdlePolicy? Idle { get; init; }

    /// <summary>Schedule defaults and bounds for the workspaces of this version.</summary>
    public TemplateSchedule? Schedule { get; init; }

    /// <summary>Roles whose members may create workspaces from this version (admins always may); null or empty: everyone.</summary>
    public IReadOnlyList<string>? AllowedRoles { get; init; }

    /// <summary>Extension: agent behaviour (intervals, plugins, timeouts).</summary>
    public AgentSpec? Agent { get; init; }

    /// <summary>Extension: a warm pool of this version kept ready for creates to claim.</summary>
    public TemplatePrebuilds? Prebuilds { get; init; }
}
