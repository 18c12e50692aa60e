using Coder.Orchestrations.Provisioning.AgentDelivery;
using Coder.Orchestrations.State;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Agents;

/// <summary>Builds the environment a new agent starts with: its identity, its token and how to reach the control plane; no other secret.</summary>
public sealed class AgentBootstrap(IOptions<AgentBootstrapOptions> options, IOptions<CoderStorageOptions> storage)
{
    public IReadOnlyDictionary<string, string> Environment(string workspaceId, string buildId, string token)
    {
        var o = options.Value;
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["CODER_WORKSPACE_ID"] = workspaceId,
            ["CODER_AGENT_BUILD"] = buildId,
            ["CODER_AGENT_TOKEN"] = token,
            ["CODER_URL"] = o.ControlPlaneUrl,
            ["CODER_AGENT_TRANSPORT"] = o.Transport,
        };
        switch (o.Transport)
        {
            case "storage-queue":
                // Never the control plane's own connection string: whoever reads an agent's environment would hold the account.
                env["CODER_AGENT_QUEUE_CONNECTION"] = o.QueueConnectionString is { Length: > 0 } sas ? sas
                    : throw new InvalidOperationException("The storage-queue agent transport needs Coder:Agent:QueueConnectionString (an add-only queue SAS); use the http transport otherwise.");
                env["CODER_AGENT_QUEUE_NAME"] = storage.Value.Prefix + QueueNames.AgentEvents;
                break;
            case "servicebus":
                env["CODER_AGENT_SERVICEBUS_NAMESPACE"] = o.ServiceBusNamespace ?? "";
                env["CODER_AGENT_SERVICEBUS_QUEUE"] = o.ServiceBusQueue;
                break;
        }

        if (o.HeartbeatOverrideSeconds is { } hb) env["CODER_AGENT_HEARTBEAT_SECONDS"] = hb.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return env;
    }
}
