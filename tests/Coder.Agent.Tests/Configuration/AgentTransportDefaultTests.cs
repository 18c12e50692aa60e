using System.Collections;
using Coder.Agent.Configuration;

namespace Coder.Agent.Tests.Configuration;

/// <summary>
/// An agent told no transport speaks HTTP with its own token: it needs no storage connection string, so none is ever
/// handed to workspace code by default (issue #20).
/// </summary>
public sealed class AgentTransportDefaultTests
{
    [Fact]
    public void Without_CODER_AGENT_TRANSPORT_the_agent_uses_http_and_needs_no_queue_connection()
    {
        var settings = AgentSettings.FromVariables(new Hashtable
        {
            ["CODER_URL"] = "http://127.0.0.1:7071",
            ["CODER_WORKSPACE_ID"] = "ws-1",
            ["CODER_AGENT_ID"] = "ws-1-b1-r0",
            ["CODER_AGENT_TOKEN"] = "cda_token",
            ["CODER_WORKSPACE_DIR"] = Path.GetTempPath(),
        });

        Assert.Equal(AgentTransportKind.Http, settings.Transport);
        Assert.Null(settings.QueueConnection);
    }
}
