namespace Coder.Orchestrations.Provisioning.Local;

/// <summary>
/// The environment a local agent starts with, built from nothing: the variables the agent reads, when the control plane
/// set them in the spec, plus a few harmless ones of the host's (locale, time zone, where dotnet is). Anything else of the
/// host's, whatever its name (a connection string, a token, a cloud credential), never reaches a workspace.
/// </summary>
public static class AgentEnvironment
{
    /// <summary>What the agent reads (see the agent's <c>AgentSettings</c>); nothing else of the spec's passes.</summary>
    public static readonly IReadOnlySet<string> AgentVariables = new HashSet<string>(StringComparer.Ordinal)
    {
        "CODER_WORKSPACE_ID", "CODER_AGENT_BUILD", "CODER_AGENT_TOKEN", "CODER_URL", "CODER_AGENT_TRANSPORT",
        "CODER_AGENT_QUEUE_CONNECTION", "CODER_AGENT_QUEUE_NAME", "CODER_AGENT_SERVICEBUS_NAMESPACE",
        "CODER_AGENT_SERVICEBUS_CONNECTION", "CODER_AGENT_SERVICEBUS_QUEUE", "CODER_AGENT_HEARTBEAT_SECONDS",
        "CODER_AGENT_OUTBOX_CAPACITY", "CODER_AGENT_FLUSH_SECONDS", "CODER_AGENT_LOG_LEVEL",
    };

    /// <summary>The host's variables that pass as they are.</summary>
    public static readonly IReadOnlySet<string> HostVariables = new HashSet<string>(StringComparer.Ordinal)
    {
        "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "TZ", "DOTNET_ROOT",
    };

    public const string Path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>The agent's environment: the allowed host variables, a fixed PATH, the allowed spec variables, then <paramref name="own"/> (the provisioner's).</summary>
    public static Dictionary<string, string> Build(IReadOnlyDictionary<string, string> spec, IReadOnlyDictionary<string, string?> host, IReadOnlyDictionary<string, string> own)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["PATH"] = Path };
        foreach (var (key, value) in host)
        {
            if (value is not null && HostVariables.Contains(key)) env[key] = value;
        }

        foreach (var (key, value) in spec)
        {
            if (AgentVariables.Contains(key)) env[key] = value;
        }

        foreach (var (key, value) in own) env[key] = value;
        return env;
    }
}
