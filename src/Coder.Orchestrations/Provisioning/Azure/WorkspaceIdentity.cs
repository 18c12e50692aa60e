using Azure.Core;

namespace Coder.Orchestrations.Provisioning.Azure;

/// <summary>A workspace's own user-assigned managed identity: what its container group or VM wears and its agent signs in as.</summary>
/// <param name="Id">Resource id (what the group or VM lists under <c>identity.userAssignedIdentities</c>).</param>
/// <param name="ClientId">What the agent and ACI's share mount name to pick this identity.</param>
/// <param name="PrincipalId">The Entra object id role assignments are made to.</param>
public sealed record WorkspaceIdentity(ResourceIdentifier Id, string ClientId, string PrincipalId)
{
    /// <summary>The agent's variable for that client id: the Azure SDK's own name, which DefaultAzureCredential reads.</summary>
    public const string ClientIdVariable = "AZURE_CLIENT_ID";
}
