using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Provisioning.Azure;
using Coder.Orchestrations.Provisioning.ContainerInstances;
using Coder.Orchestrations.Provisioning.VirtualMachines;
using Coder.Provisioning.Tests.FakeArm;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coder.Provisioning.Tests.Identities;

/// <summary>
/// What the provisioners grant at run time, against the fake ARM's Microsoft.ManagedIdentity (2023-01-31) and
/// Microsoft.Authorization/roleAssignments (2022-04-01) contracts: each workspace wears its own identity, whose role
/// assignments are scoped to that workspace's own resources (its home share) and to send-only on the agent queue,
/// never to a storage account, resource group or subscription, and never to another workspace's resources.
/// </summary>
public sealed class WorkspaceIdentityContractTests : ArmContractTest
{
    const string A = "ws-idaaaaaaaa";
    const string B = "ws-idbbbbbbbb";
    const string V = "ws-idvvvvvvvv";
    const string Vm = "Canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2:latest";

    ContainerInstanceProvisioner Aci => new(Azure, Agent.Downloads, NullLogger<ContainerInstanceProvisioner>.Instance);

    VirtualMachineProvisioner Vms => new(Azure, Agent.Downloads, NullLogger<VirtualMachineProvisioner>.Instance);

    static string ShareIdOf(string workspaceId) =>
        $"/subscriptions/{FakeArmServer.Subscription}/resourceGroups/{FakeArmServer.ResourceGroup}/providers/Microsoft.Storage/storageAccounts/{FakeArmServer.FilesAccount}/fileServices/default/shares/home-{workspaceId}";

    static readonly Guid SmbShareContributor = Guid.Parse("0c867c2a-1d8c-454a-a3db-ab2ea1bdc8bb");
    static readonly Guid ServiceBusDataSender = Guid.Parse("69a216fc-b8fb-44d8-bc22-1f3c2cd27a39");

    /// <summary>A (scope, role) pair; ARM ids are case-insensitive (the SDK writes "resourcegroups"), so scopes compare lowercased.</summary>
    static (string Scope, Guid Role) Grant(string scope, Guid role) => (scope.ToLowerInvariant(), role);

    /// <summary>(scope, role) of every assignment the fake holds for a workspace's identity.</summary>
    HashSet<(string Scope, Guid Role)> GrantsOf(string workspaceId)
    {
        string principal = IdentityOf(workspaceId).PrincipalId;
        return Fake.RoleAssignments.Where(a => a.PrincipalId == principal).Select(a => Grant(a.Scope, a.Role)).ToHashSet();
    }

    string[] IdentityIds => Fake.Identities.Keys.Select(k => k.ToLowerInvariant()).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task Two_workspaces_get_two_identities_each_granted_only_its_own_share_and_send_only_on_the_agent_queue_and_each_group_wears_only_its_own()
    {
        await Aci.EnsureAsync(Spec(A), CancellationToken.None);
        await Aci.EnsureAsync(Spec(B, replicas: 2), CancellationToken.None);
        await Vms.EnsureAsync(Spec(V, image: Vm), CancellationToken.None);

        Assert.Equal([IdentityIdOf(A).ToLowerInvariant(), IdentityIdOf(B).ToLowerInvariant(), IdentityIdOf(V).ToLowerInvariant()], IdentityIds);
        Assert.Equal(3, new[] { A, B, V }.Select(w => IdentityOf(w).PrincipalId).Distinct().Count());
        var sender = Grant(AgentQueueId, ServiceBusDataSender);
        Assert.Equal([Grant(ShareIdOf(A), SmbShareContributor), sender], GrantsOf(A));
        Assert.Equal([Grant(ShareIdOf(B), SmbShareContributor), sender], GrantsOf(B));
        Assert.Equal([sender], GrantsOf(V));
        // Nothing above a single workspace's resource: no account, group or subscription scope for anybody.
        Assert.Equal(5, Fake.RoleAssignments.Count);
        Assert.All(Fake.RoleAssignments, a => Assert.True(a.Scope.Contains("/shares/home-", StringComparison.Ordinal) || a.Scope.Equals(AgentQueueId, StringComparison.OrdinalIgnoreCase), a.Scope));
        Assert.All(Fake.RoleAssignments, a => Assert.Equal("ServicePrincipal", a.PrincipalType));

        foreach (string workspace in new[] { A, B })
        {
            var group = Fake.Resource("/containerGroups/coder-" + workspace)!;
            var worn = Assert.Single(group["identity"]!["userAssignedIdentities"]!.AsObject());
            Assert.Equal(IdentityIdOf(workspace), worn.Key, ignoreCase: true);
            string clientId = IdentityOf(workspace).ClientId;
            Assert.Equal(clientId, (string?)worn.Value!["clientId"]);
            var home = group["properties"]!["volumes"]!.AsArray().Single(v => (string?)v!["name"] == "home")!["azureFile"]!;
            Assert.Equal(("home-" + workspace, clientId), ((string?)home["shareName"], (string?)home["userManagedIdentityClientId"]));
            Assert.All(group["properties"]!["containers"]!.AsArray(), c =>
                Assert.Equal(clientId, EnvironmentValue(c!["properties"]!, "AZURE_CLIENT_ID")));
        }

        var vm = Fake.Resource("/virtualMachines/coder-" + V)!;
        AssertWearsOnlyIdentityOf(V, vm);
    }

    [Fact]
    public async Task Destroy_removes_a_workspace_identity_and_its_assignments_and_leaves_the_other_workspace_granted()
    {
        await Aci.EnsureAsync(Spec(A), CancellationToken.None);
        await Aci.EnsureAsync(Spec(B), CancellationToken.None);
        var grantsOfB = GrantsOf(B);

        await Aci.DestroyAsync(new WorkspaceRef(A, "alice"), CancellationToken.None);

        Assert.Equal([IdentityIdOf(B).ToLowerInvariant()], IdentityIds);
        Assert.Equal(grantsOfB, Fake.RoleAssignments.Select(a => Grant(a.Scope, a.Role)).ToHashSet());
        Assert.DoesNotContain(Fake.RoleAssignments, a => a.Scope.Contains(A, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ensure_again_PUTs_the_same_assignments_and_an_assignment_that_exists_under_another_name_is_accepted_not_duplicated()
    {
        await Aci.EnsureAsync(Spec(A), CancellationToken.None);
        var first = Fake.RoleAssignments;

        // A new build recreates nothing but PUTs the identity and its grants again: same names, answered 200.
        Fake.ClearCalls();
        await Aci.EnsureAsync(Spec(A, build: "b2"), CancellationToken.None);
        Assert.Equal(first, Fake.RoleAssignments);
        Assert.Contains(Fake.Calls, c => c.Short == $"PUT roleAssignment on shares/home-{A} → 200");

        // The same grants made out of band under other names: ARM answers 409 RoleAssignmentExists, and the grant holds.
        Fake.RenameRoleAssignmentsOf(IdentityOf(A).PrincipalId);
        Fake.ClearCalls();
        await Aci.EnsureAsync(Spec(A, build: "b3"), CancellationToken.None);

        Assert.Contains(Fake.Calls, c => c.Short == $"PUT roleAssignment on shares/home-{A} → 409");
        Assert.Contains(Fake.Calls, c => c.Short == "PUT roleAssignment on queues/agent-events → 409");
        Assert.Equal(2, Fake.RoleAssignments.Count);
        Assert.Equal(first.Select(a => Grant(a.Scope, a.Role)).ToHashSet(), GrantsOf(A));
        Assert.Equal("b3", (string?)Fake.Resource("/containerGroups/coder-" + A)!["tags"]!["coder-build-id"]);
    }

    [Fact]
    public async Task Agents_on_the_http_transport_get_no_queue_grant_and_servicebus_without_the_queue_id_fails_with_the_setting_named()
    {
        var http = Spec(A) with { AgentEnvironment = new Dictionary<string, string>(Spec(A).AgentEnvironment) { ["CODER_AGENT_TRANSPORT"] = "http" } };
        await Aci.EnsureAsync(http, CancellationToken.None);
        Assert.Equal([Grant(ShareIdOf(A), SmbShareContributor)], GrantsOf(A));

        var options = OptionsFor(Fake);
        options.AgentQueueId = null;
        var unconfigured = new AzureClients(Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System, new StaticTokenCredential(), Fake.Transport());
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new ContainerInstanceProvisioner(unconfigured, Agent.Downloads, NullLogger<ContainerInstanceProvisioner>.Instance).EnsureAsync(Spec(B), CancellationToken.None));
        Assert.Contains("Coder:Azure:AgentQueueId", failure.Message, StringComparison.Ordinal);
        // A setting missing is found before anything is created.
        Assert.False(Fake.Identities.ContainsKey(IdentityIdOf(B)));
        Assert.Null(Fake.Share("home-" + B));
    }

    [Fact]
    public async Task The_fake_refuses_what_the_documented_contracts_refuse()
    {
        var rg = new ResourceIdentifier($"/subscriptions/{FakeArmServer.Subscription}/resourceGroups/{FakeArmServer.ResourceGroup}");
        var identity = new ResourceIdentifier(IdentityIdOf(A));

        async Task<int> Status(RequestMethod method, ResourceIdentifier id, string apiVersion, object? body)
        {
            try
            {
                using var _ = await Azure.Requests.SendAsync(method, id, null, apiVersion, body is null ? null : BinaryData.FromObjectAsJson(body), CancellationToken.None);
                return 200;
            }
            catch (RequestFailedException e)
            {
                return e.Status;
            }
        }

        // An identity needs a location (TrackedResource); an assignment needs a GUID name, a principal and a role definition id.
        Assert.Equal(400, await Status(RequestMethod.Put, identity, "2023-01-31", new { tags = new { } }));
        Assert.Equal(400, await Status(RequestMethod.Put, identity, "2022-04-01", new { location = "westeurope" }));
        Assert.Equal(200, await Status(RequestMethod.Put, identity, "2023-01-31", new { location = "westeurope" }));
        string principal = IdentityOf(A).PrincipalId;
        string role = $"/subscriptions/{FakeArmServer.Subscription}/providers/Microsoft.Authorization/roleDefinitions/69a216fc-b8fb-44d8-bc22-1f3c2cd27a39";
        var queue = AgentQueueId + "/providers/Microsoft.Authorization/roleAssignments/";
        Assert.Equal(400, await Status(RequestMethod.Put, new ResourceIdentifier(queue + "not-a-guid"), "2022-04-01", new { properties = new { roleDefinitionId = role, principalId = principal } }));
        Assert.Equal(400, await Status(RequestMethod.Put, new ResourceIdentifier(queue + Guid.NewGuid()), "2022-04-01", new { properties = new { roleDefinitionId = role } }));
        Assert.Equal(400, await Status(RequestMethod.Put, new ResourceIdentifier(queue + Guid.NewGuid()), "2022-04-01", new { properties = new { roleDefinitionId = role, principalId = principal, principalType = "Robot" } }));
        Assert.Equal(400, await Status(RequestMethod.Put, new ResourceIdentifier(queue + Guid.NewGuid()), "2022-04-01", new { properties = new { roleDefinitionId = role, principalId = principal, condition = "true" } }));
        string name = Guid.NewGuid().ToString();
        Assert.Equal(200, await Status(RequestMethod.Put, new ResourceIdentifier(queue + name), "2022-04-01", new { properties = new { roleDefinitionId = role, principalId = principal } }));
        Assert.Equal(409, await Status(RequestMethod.Put, new ResourceIdentifier(queue + Guid.NewGuid()), "2022-04-01", new { properties = new { roleDefinitionId = role, principalId = principal } }));
        Assert.Equal(200, await Status(RequestMethod.Delete, new ResourceIdentifier(queue + name), "2022-04-01", null));
        Assert.Empty(Fake.RoleAssignments);

        // A container group can wear only an identity that exists.
        Assert.Equal(201, Fake.Calls.Single(c => c.Method == "PUT" && c.Path.EndsWith("/id-" + A, StringComparison.Ordinal) && c.Status != 400).Status);
        var group = OfficialSpecs.Load("ContainerInstance/ContainerGroupsCreateOrUpdateManagedIdentityAzureFileshare.json")["parameters"]!["containerGroup"]!.AsObject();
        group["identity"] = new JsonObject { ["type"] = "UserAssigned", ["userAssignedIdentities"] = new JsonObject { [IdentityIdOf(B)] = new JsonObject() } };
        Assert.Equal(400, await Status(RequestMethod.Put, new ResourceIdentifier($"{rg}/providers/Microsoft.ContainerInstance/containerGroups/coder-{B}"), "2026-05-01", group));
    }
}
