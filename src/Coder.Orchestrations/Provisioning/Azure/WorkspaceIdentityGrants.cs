using System.Text.Json;
using Azure;
using Azure.Core;
using Microsoft.Extensions.Logging;

namespace Coder.Orchestrations.Provisioning.Azure;

/// <summary>
/// Each workspace's own user-assigned identity (<c>Microsoft.ManagedIdentity/userAssignedIdentities</c>, api-version
/// 2023-01-31) and its role assignments (<c>Microsoft.Authorization/roleAssignments</c>, api-version 2022-04-01), each
/// scoped to one resource of that workspace, so code in one workspace cannot reach another's share. Ensure is
/// idempotent (the identity is a PUT by name; assignment names derive from scope, principal and role, and 409
/// RoleAssignmentExists means the grant is already there); Destroy removes the assignments, then the identity.
/// </summary>
public sealed partial class WorkspaceIdentityGrants(AzureClients azure, ILogger logger)
{
    public const string IdentitiesApiVersion = "2023-01-31";
    public const string RoleAssignmentsApiVersion = "2022-04-01";

    public ResourceIdentifier IdentityId(string workspaceId) =>
        new($"{azure.ResourceGroupId}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-{workspaceId}");

    /// <summary>Creates (or finds) the workspace's identity and grants it exactly <paramref name="grants"/>.</summary>
    public async Task<WorkspaceIdentity> EnsureAsync(WorkspaceRef workspace, IEnumerable<WorkspaceGrant> grants, CancellationToken cancellationToken)
    {
        var id = IdentityId(workspace.WorkspaceId);
        var body = BinaryData.FromObjectAsJson(new
        {
            location = azure.Options.Location,
            tags = new Dictionary<string, string> { [ProvisionerTags.WorkspaceId] = workspace.WorkspaceId, [ProvisionerTags.Owner] = workspace.Owner },
        });
        using var created = await azure.Requests.SendAsync(RequestMethod.Put, id, null, IdentitiesApiVersion, body, cancellationToken)
            ?? throw new InvalidOperationException($"ARM returned no body for identity {id.Name}.");
        var properties = created.RootElement.GetProperty("properties");
        var identity = new WorkspaceIdentity(id, Text(properties, "clientId"), Text(properties, "principalId"));
        foreach (var grant in grants) await AssignAsync(identity, grant, cancellationToken);
        return identity;
    }

    /// <summary>Removes the assignments <paramref name="grants"/> may have made, then the identity. Missing pieces are fine.</summary>
    public async Task DestroyAsync(WorkspaceRef workspace, IEnumerable<WorkspaceGrant> grants, CancellationToken cancellationToken)
    {
        var id = IdentityId(workspace.WorkspaceId);
        using var found = await azure.Requests.SendAsync(RequestMethod.Get, id, null, IdentitiesApiVersion, null, new() { AllowNotFound = true }, cancellationToken);
        if (found is null) return;
        string principalId = Text(found.RootElement.GetProperty("properties"), "principalId");
        foreach (var grant in grants)
        {
            using var _ = await azure.Requests.SendAsync(RequestMethod.Delete, AssignmentId(grant, principalId), null, RoleAssignmentsApiVersion, null, new() { AllowNotFound = true }, cancellationToken);
        }

        using var deleted = await azure.Requests.SendAsync(RequestMethod.Delete, id, null, IdentitiesApiVersion, null, new() { AllowNotFound = true }, cancellationToken);
        LogDestroyed(logger, workspace.WorkspaceId);
    }

    async Task AssignAsync(WorkspaceIdentity identity, WorkspaceGrant grant, CancellationToken cancellationToken)
    {
        var body = BinaryData.FromObjectAsJson(new
        {
            properties = new
            {
                roleDefinitionId = $"/subscriptions/{azure.Options.SubscriptionId}/providers/Microsoft.Authorization/roleDefinitions/{grant.RoleDefinitionId:D}",
                principalId = identity.PrincipalId,
                // A new identity may not have replicated in Entra yet; the type lets ARM skip the lookup that would fail.
                principalType = "ServicePrincipal",
            },
        });
        try
        {
            using var _ = await azure.Requests.SendAsync(RequestMethod.Put, AssignmentId(grant, identity.PrincipalId), null, RoleAssignmentsApiVersion, body, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409 && e.ErrorCode == "RoleAssignmentExists")
        {
            // The same role for the same principal on the same scope exists under another name: the grant holds.
            LogAlreadyAssigned(logger, identity.Id.Name, grant.RoleDefinitionId, grant.Scope.ToString());
        }
    }

    static ResourceIdentifier AssignmentId(WorkspaceGrant grant, string principalId) =>
        new($"{grant.Scope}/providers/Microsoft.Authorization/roleAssignments/{RoleAssignmentName.For(grant.Scope.ToString(), principalId, grant.RoleDefinitionId):D}");

    static string Text(JsonElement properties, string name) =>
        properties.TryGetProperty(name, out var value) && value.GetString() is { Length: > 0 } text
            ? text
            : throw new InvalidOperationException($"The managed identity has no {name}.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Identity {Identity} already holds role {Role} on {Scope} (RoleAssignmentExists)")]
    static partial void LogAlreadyAssigned(ILogger logger, string identity, Guid role, string scope);

    [LoggerMessage(Level = LogLevel.Information, Message = "Identity and role assignments of workspace {WorkspaceId} removed")]
    static partial void LogDestroyed(ILogger logger, string workspaceId);
}
