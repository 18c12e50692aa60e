namespace Coder.Orchestrations.Provisioning;

/// <summary>
/// The <c>CODER_AGENT_ID</c> every provisioner gives a replica's agent (the agent refuses to start without one): unique
/// per build and replica, ending in <c>-r{replica}</c>, which scaling reads back.
/// </summary>
public static class AgentIds
{
    public const string Variable = "CODER_AGENT_ID";

    public static string For(string workspaceId, string buildId, int replica) => $"{workspaceId}-{buildId}-r{replica}";

    /// <summary>
    /// Whether <paramref name="agentId"/> is one a provisioner gives a replica below <paramref name="replicas"/> of this
    /// workspace's build (exactly as <see cref="For"/> writes it). <paramref name="replicas"/> null allows any replica of the
    /// build: tokens issued before the count was recorded.
    /// </summary>
    public static bool IsIssued(string agentId, string workspaceId, string buildId, int? replicas) =>
        ReplicaOf(agentId, workspaceId, buildId) is { } replica && (replicas is null || replica < replicas);

    /// <summary>The replica <paramref name="agentId"/> names for this workspace and build, or null when it is no id <see cref="For"/> gives.</summary>
    public static int? ReplicaOf(string agentId, string workspaceId, string buildId)
    {
        string prefix = For(workspaceId, buildId, 0)[..^1];
        if (!agentId.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var digits = agentId.AsSpan(prefix.Length);
        if (digits.Length is 0 or > 4 || (digits.Length > 1 && digits[0] == '0')) return null;
        foreach (char c in digits) if (c is < '0' or > '9') return null;
        return int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The replica number at the end of an agent id (<c>-r{replica}</c>), 0 when there is none.</summary>
    public static int ReplicaOf(string agentId)
    {
        int at = agentId.LastIndexOf("-r", StringComparison.Ordinal);
        return at >= 0 && int.TryParse(agentId.AsSpan(at + 2), System.Globalization.CultureInfo.InvariantCulture, out int n) ? n : 0;
    }
}
