using System.Text.Json.Nodes;
using Coder.Infra.Tests.Arm;
using Coder.Infra.Tests.Arm.Values;
using Coder.Infra.Tests.Bicep;
using Coder.Infra.Tests.Roles;
using Xunit;

namespace Coder.Infra.Tests;

/// <summary>
/// Workspace code is hostile, so no grant in the Bicep may serve more than one workspace: there is no shared
/// workspace identity and no account-wide data role for one. The provisioners create each workspace's identity and its
/// grants at run time (tests/Coder.Provisioning.Tests/Identities), and the control plane may make only those grants:
/// Role Based Access Control Administrator with a condition naming the one role, in the workspace resource group
/// (the home shares) and on the agent-events queue, never User Access Administrator or a wider scope.
/// </summary>
[Collection(CompiledMainTemplateCollection.Name)]
public sealed class WorkspaceIsolationTests(CompiledMainTemplate compiled)
{
    private const string RbacAdministrator = "Role Based Access Control Administrator";

    [Fact]
    public void TheOnlyIdentityTheTemplateCreatesIsTheControlPlanes()
    {
        var identity = Assert.Single(compiled.OfType("Microsoft.ManagedIdentity/userAssignedIdentities"));

        Assert.StartsWith("appIdentity/", identity.Path, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryRoleAssignmentGoesToTheControlPlaneOrTheDeployingUser_NoneToAPrincipalAWorkspaceCanActAs()
    {
        var assignments = compiled.OfType(RoleAssignmentAudit.RoleAssignmentType);

        Assert.NotEmpty(assignments);
        Assert.All(assignments, assignment =>
        {
            string principal = (string)assignment.Body["properties"]!["principalId"]!;
            string passed = (string)assignment.Scope.PassedParameters![principal.Contains("'appPrincipalId'", StringComparison.Ordinal) ? "appPrincipalId" : "userPrincipalId"]!["value"]!;
            Assert.True(
                (principal == "[parameters('appPrincipalId')]" && passed == "[reference('appIdentity').outputs.principalId.value]")
                || (principal == "[parameters('userPrincipalId')]" && passed == "[parameters('principalId')]"),
                $"{assignment.Path} grants {principal} = {passed}");
        });
    }

    [Fact]
    public void NoWorkspaceDataRoleIsAssignedInTheTemplate_NotEvenAccountWide()
    {
        var findings = RoleAssignmentAudit.Audit(compiled.Template);

        Assert.DoesNotContain(findings, finding => finding.Roles.Any(role => role.Name == "Storage File Data SMB Share Contributor"));
        var sender = Assert.Single(findings, finding => finding.Roles.Any(role => role.Name == "Azure Service Bus Data Sender"));
        Assert.Equal("serviceBus/appAccess", sender.Assignment);
    }

    [Fact]
    public void TheControlPlaneMayAssignOnlyTheWorkspaceRoles_InTheWorkspaceGroupAndOnTheAgentQueue()
    {
        var findings = RoleAssignmentAudit.Audit(compiled.Template);
        var delegating = findings.Where(finding => finding.Roles.Any(role => role.Name == RbacAdministrator)).OrderBy(finding => finding.Assignment, StringComparer.Ordinal).ToList();

        Assert.Equal(["serviceBus/appWorkspaceGrants", "workspaceResources/appWorkspaceGrants"], delegating.Select(finding => finding.Assignment));
        Assert.All(delegating, finding => Assert.Empty(finding.Problems));
        Assert.Equal(["Azure Service Bus Data Sender"], delegating[0].DelegatedRoles.Select(role => role.Name));
        Assert.Equal(["Storage File Data SMB Share Contributor"], delegating[1].DelegatedRoles.Select(role => role.Name));

        // The queue grant is scoped to the queue itself.
        var queueGrant = Resource("serviceBus/appWorkspaceGrants");
        Assert.Equal("Microsoft.ServiceBus/namespaces/queues/sb-{?}/agent-events", Assert.Single(queueGrant.Evaluate("scope")).Render());

        // The share grant has no scope of its own: it is the module's resource group, the workspace group.
        var shareGrant = Resource("workspaceResources/appWorkspaceGrants");
        Assert.Null(shareGrant.Body["scope"]);
        var module = Resource("workspaceResources");
        Assert.Equal(Resource("workspaceGroup").Evaluate("name").Texts(), module.Evaluate("resourceGroup").Texts());
        Assert.NotEqual(Resource("controlPlaneGroup").Evaluate("name").Texts(), module.Evaluate("resourceGroup").Texts());
        Assert.DoesNotContain("subscription()", module.Body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void IdentityRolesAreHeldOnlyInTheWorkspaceGroup()
    {
        string[] identityRoles = ["Managed Identity Contributor", "Managed Identity Operator", RbacAdministrator];

        var holders = RoleAssignmentAudit.Audit(compiled.Template)
            .Where(finding => finding.Roles.Any(role => identityRoles.Contains(role.Name)))
            .Select(finding => finding.Assignment)
            .ToList();

        Assert.All(holders, path => Assert.True(path.StartsWith("workspaceResources/", StringComparison.Ordinal) || path == "serviceBus/appWorkspaceGrants", path));
        Assert.All(holders.Where(path => path.StartsWith("workspaceResources/", StringComparison.Ordinal)), path => Assert.Null(Resource(path).Body["scope"]));
    }

    [Fact]
    public void TheAppIsToldTheAgentQueueAndNoSharedWorkspaceIdentity()
    {
        var config = Assert.Single(compiled.OfType("Microsoft.Web/sites/config"), c => c.LeafNames().Contains("appsettings"));
        var settings = Assert.IsType<ArmObject>(Assert.Single(config.Evaluate("properties")));

        Assert.True(settings.Members.ContainsKey("CODER_AZURE_AGENT_QUEUE_ID"), "CODER_AZURE_AGENT_QUEUE_ID missing");
        Assert.DoesNotContain(settings.Members.Keys, key => key.StartsWith("CODER_AZURE_WORKSPACE_IDENTITY", StringComparison.Ordinal));
        var queueId = (string)Resource("functionApp").Body["properties"]!["parameters"]!["settings"]!["value"]!["CODER_AZURE_AGENT_QUEUE_ID"]!;
        Assert.Equal("[reference('serviceBus').outputs.queueId.value]", queueId);
    }

    private ArmResource Resource(string path) => Assert.Single(compiled.Resources, resource => resource.Path == path);
}
