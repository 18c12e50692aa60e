using System.Text.Json.Nodes;
using Coder.Infra.Tests.Roles;
using Xunit;

namespace Coder.Infra.Tests;

/// <summary>The audit behind the allow-list test catches what it must, on hand-written ARM JSON.</summary>
public sealed class RoleAssignmentAuditTests
{
    private const string Owner = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    private const string Reader = "acdd72a7-3385-48ef-bd42-f606fba81ae7";

    [Fact]
    public void Audit_FlagsARoleOffTheAllowList()
    {
        var finding = Assert.Single(RoleAssignmentAudit.Audit(TemplateGranting($"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{Owner}')]")));

        Assert.Equal([$"role {Owner} is not on the allow-list"], finding.Problems);
    }

    [Fact]
    public void Audit_FlagsABadRoleHiddenInOneBranchOfALoop()
    {
        var template = TemplateGranting(
            "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', if(parameters('elevate'), variables('roles')[copyIndex()], 'acdd72a7-3385-48ef-bd42-f606fba81ae7'))]",
            variables: $$"""{ "roles": [ "{{Reader}}", "{{Owner}}" ] }""");

        var finding = Assert.Single(RoleAssignmentAudit.Audit(template));

        Assert.Contains($"role {Owner} is not on the allow-list", finding.Problems);
        Assert.Equal(["Reader"], finding.Roles.Select(role => role.Name));
    }

    [Fact]
    public void Audit_FlagsARoleIdTakenFromAParameter()
    {
        var finding = Assert.Single(RoleAssignmentAudit.Audit(TemplateGranting("[parameters('roleDefinitionId')]")));

        Assert.Contains(finding.Problems, problem => problem.StartsWith("roleDefinitionId is not a constant", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("8e3af657-a8ff-443c-a75c-2fe8c4bcb635")] // Owner
    [InlineData("b24988ac-6180-42a0-ab88-20f7382dd24c")] // Contributor
    [InlineData("18d7d88d-d35e-4fb5-a5c3-7773c20a72d9")] // User Access Administrator
    public void AllowList_HoldsNoGenericAdministrativeRole(string roleId)
    {
        Assert.Null(BuiltInRoleAllowList.Find(Guid.Parse(roleId)));
    }

    [Fact]
    public void Audit_AcceptsAnAllowListedConstant()
    {
        var finding = Assert.Single(RoleAssignmentAudit.Audit(TemplateGranting($"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{Reader}')]")));

        Assert.Empty(finding.Problems);
        Assert.Equal("Reader", Assert.Single(finding.Roles).Name);
    }

    private const string RbacAdministrator = "f58310d9-a9f6-439a-9e8d-f62e7b41a168";
    private const string SmbShareContributor = "0c867c2a-1d8c-454a-a3db-ab2ea1bdc8bb";

    private static string Condition(string roleId) =>
        "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {" + roleId + "} AND @Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'ServicePrincipal'}))"
        + " AND ((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {" + roleId + "} AND @Resource[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'ServicePrincipal'}))";

    [Fact]
    public void Audit_FlagsADelegatingRoleWithoutACondition()
    {
        var finding = Assert.Single(RoleAssignmentAudit.Audit(TemplateGranting(RbacAdministrator)));

        Assert.Contains("a delegating role without conditionVersion 2.0", finding.Problems);
        Assert.Empty(finding.DelegatedRoles);
    }

    [Theory]
    [InlineData(Owner, "is not on the allow-list")]
    [InlineData(RbacAdministrator, "the delegating role")]
    public void Audit_FlagsAConditionThatLetsTheHolderAssignAnAdministrativeRole(string assignable, string problem)
    {
        var finding = Assert.Single(RoleAssignmentAudit.Audit(TemplateGranting(RbacAdministrator, condition: Condition(assignable))));

        Assert.Contains(finding.Problems, p => p.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void Audit_FlagsAConditionThatConstrainsOnlyTheWrite()
    {
        string writeOnly = Condition(SmbShareContributor).Split(" AND ((!")[0];

        var finding = Assert.Single(RoleAssignmentAudit.Audit(TemplateGranting(RbacAdministrator, condition: writeOnly)));

        Assert.Contains("the condition does not constrain roleAssignments/delete", finding.Problems);
    }

    [Fact]
    public void Audit_AcceptsADelegatingRoleConstrainedToOneAllowListedRole()
    {
        var finding = Assert.Single(RoleAssignmentAudit.Audit(TemplateGranting(RbacAdministrator, condition: Condition(SmbShareContributor))));

        Assert.Empty(finding.Problems);
        Assert.Equal(["Storage File Data SMB Share Contributor"], finding.DelegatedRoles.Select(role => role.Name));
    }

    private static JsonObject TemplateGranting(string roleDefinitionId, string variables = "{}", string? condition = null)
    {
        var template = JsonNode.Parse($$"""
            {
              "parameters": { "elevate": { "type": "bool" }, "roleDefinitionId": { "type": "string" } },
              "variables": {{variables}},
              "resources": [
                { "type": "Microsoft.Authorization/roleAssignments", "name": "x", "properties": { "principalId": "p" } }
              ]
            }
            """)!.AsObject();
        template["resources"]![0]!["properties"]!["roleDefinitionId"] = roleDefinitionId.StartsWith('[') ? roleDefinitionId : $"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{roleDefinitionId}')]";
        if (condition is not null)
        {
            template["resources"]![0]!["properties"]!["condition"] = condition;
            template["resources"]![0]!["properties"]!["conditionVersion"] = "2.0";
        }

        return template;
    }
}
