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

    private static JsonObject TemplateGranting(string roleDefinitionId, string variables = "{}")
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
        template["resources"]![0]!["properties"]!["roleDefinitionId"] = roleDefinitionId;
        return template;
    }
}
