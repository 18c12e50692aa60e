namespace Coder.Orchestrations.Provisioning.AgentDelivery;

/// <summary>
/// Where the control plane keeps the agent builds it hands to workspaces, as coderd serves its agents from <c>/bin/</c>:
/// the local host's build output, or blob storage on Azure (uploaded by azd's postdeploy hook).
/// </summary>
public interface IAgentBinaryStore
{
    /// <summary>The build for <paramref name="platform"/> (<c>linux-x64</c>), or null when none is published.</summary>
    Task<AgentBinary?> FindAsync(string platform, CancellationToken cancellationToken);

    /// <summary>The bytes of <paramref name="binary"/>.</summary>
    Task<Stream> OpenReadAsync(AgentBinary binary, CancellationToken cancellationToken);
}
