using Coder.Connect.Protocol;
namespace Coder.Agent.Connect;

/// <summary>Settings of the connect protocol's agent side.</summary>
public sealed record MuxOptions
{
    public const int DefaultMaxSessionsPerConnection = 32;

    /// <summary>Where shells and commands start: the workspace's home, where its scripts run.</summary>
    public required string WorkspaceDirectory { get; init; }

    /// <summary>Open sessions one connection may hold; one more is refused with an error frame.</summary>
    public int MaxSessionsPerConnection { get; init; } = DefaultMaxSessionsPerConnection;

    /// <summary>
    /// Builds a shell's or command's environment as the agent builds its scripts' (the manifest env and the owner's
    /// secrets); null leaves the agent's own, less its secrets.
    /// </summary>
    public Action<IDictionary<string, string?>>? Environment { get; init; }

    /// <summary>Serves <c>ssh</c> sessions; null or without an executable refuses them (<see cref="SshServer.NotInstalled"/>).</summary>
    public SshServer? Ssh { get; init; }
}
