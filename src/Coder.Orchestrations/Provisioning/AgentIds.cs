namespace Coder.Orchestrations.Provisioning;

/// <summary>
/// The <c>CODER_AGENT_ID</c> every provisioner gives a replica's agent (the agent refuses to start without one): unique
/// per build and replica, ending in <c>-r{replica}</c>, which scaling reads back.
/// </summary>
public static class AgentIds
{
    public const string Variable = "CODER_AGENT_ID";

    public static string For(string workspaceId, string buildId, int replica) => $"{workspaceId}-{buildId}-r{replica}";
}
