using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Provisioning.AgentDelivery;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Provisioning.Azure;

/// <summary>What ACI and VM workspaces download: the published linux-x64 agent, from the control plane's public URL.</summary>
public sealed class AgentDownloads(IAgentBinaryStore binaries, IOptions<AgentBootstrapOptions> bootstrap)
{
    public async Task<AgentDownload> LinuxX64Async(CancellationToken cancellationToken)
    {
        var binary = await binaries.FindAsync(AgentBinaryRoutes.LinuxX64, cancellationToken)
            ?? throw new InvalidOperationException(
                $"No {AgentBinaryRoutes.LinuxX64} agent is published, so an aci or vm workspace could not start one. `azd deploy` uploads it (postdeploy hook infra/scripts/publish-agent.sh).");
        return new AgentDownload(new Uri(AgentBinaryRoutes.UrlFor(bootstrap.Value.ControlPlaneUrl, AgentBinaryRoutes.LinuxX64)), binary.Sha256);
    }
}
