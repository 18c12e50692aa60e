using System.Collections;
using Coder.Agent.Configuration;

namespace Coder.Agent.Tests.Configuration;

/// <summary>On ACI and VMs the provisioner tells the agent its workspace's own identity in the Azure SDK's variable.</summary>
public sealed class AgentIdentitySettingsTests
{
    static Hashtable Variables(string? clientId)
    {
        var variables = new Hashtable
        {
            ["CODER_URL"] = "https://coder.example",
            ["CODER_WORKSPACE_ID"] = "ws-1",
            ["CODER_AGENT_ID"] = "ws-1-b1-r0",
            ["CODER_AGENT_TOKEN"] = "cda_token",
            ["CODER_AGENT_TRANSPORT"] = "servicebus",
            ["CODER_AGENT_SERVICEBUS_NAMESPACE"] = "sb-coder.servicebus.windows.net",
            ["CODER_WORKSPACE_DIR"] = Path.GetTempPath(),
        };
        if (clientId is not null) variables["AZURE_CLIENT_ID"] = clientId;
        return variables;
    }

    [Fact]
    public void AZURE_CLIENT_ID_names_the_identity_the_servicebus_transport_signs_in_as_and_without_it_there_is_none()
    {
        Assert.Equal("4024ab25-56a8-4370-aea6-6389221caf29", AgentSettings.FromVariables(Variables("4024ab25-56a8-4370-aea6-6389221caf29")).IdentityClientId);
        Assert.Null(AgentSettings.FromVariables(Variables(null)).IdentityClientId);
    }
}
