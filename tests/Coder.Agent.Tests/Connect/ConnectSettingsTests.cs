using Coder.Connect.Protocol;
using System.Collections;
using Coder.Agent.Configuration;

namespace Coder.Agent.Tests.Connect;

/// <summary>The agent's connect settings come from its environment like the rest of its configuration.</summary>
public sealed class ConnectSettingsTests
{
    static Hashtable Variables(string? maxSessions)
    {
        var variables = new Hashtable
        {
            ["CODER_URL"] = "https://coder.example",
            ["CODER_WORKSPACE_ID"] = "ws-1",
            ["CODER_AGENT_ID"] = "ws-1-b1-r0",
            ["CODER_AGENT_TOKEN"] = "cda_token",
            ["CODER_WORKSPACE_DIR"] = Path.GetTempPath(),
        };
        if (maxSessions is not null) variables["CODER_AGENT_MAX_SESSIONS_PER_CONNECTION"] = maxSessions;
        return variables;
    }

    [Fact]
    public void Without_a_setting_a_connection_holds_32_sessions_and_starts_them_in_the_workspace_directory()
    {
        var options = AgentSettings.FromVariables(Variables(null)).ConnectOptions;

        Assert.Equal(32, options.MaxSessionsPerConnection);
        Assert.Equal(Path.GetFullPath(Path.GetTempPath()), options.WorkspaceDirectory);
    }

    [Fact]
    public void CODER_AGENT_MAX_SESSIONS_PER_CONNECTION_sets_the_cap_and_zero_is_refused()
    {
        Assert.Equal(4, AgentSettings.FromVariables(Variables("4")).ConnectOptions.MaxSessionsPerConnection);
        var error = Assert.Throws<AgentConfigurationException>(() => AgentSettings.FromVariables(Variables("0")));
        Assert.Contains("CODER_AGENT_MAX_SESSIONS_PER_CONNECTION", error.Message, StringComparison.Ordinal);
    }
}
