using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Coder.Infra.Tests.Arm;
using Coder.Infra.Tests.Arm.Values;

namespace Coder.Infra.Tests.Roles;

/// <summary>
/// Resolves the roleDefinitionId of every Microsoft.Authorization/roleAssignments resource in a compiled
/// template to the role ids it may take (every branch, every loop element) and checks each against the
/// allow-list. An id that cannot be resolved before deployment (from a parameter without default, say)
/// is a problem too: only constants from the role map may be granted.
/// </summary>
public static partial class RoleAssignmentAudit
{
    public const string RoleAssignmentType = "Microsoft.Authorization/roleAssignments";

    public static IReadOnlyList<RoleAssignmentFinding> Audit(JsonObject template) =>
        ArmTemplateWalker.Resources(template)
            .Where(resource => string.Equals(resource.Type, RoleAssignmentType, StringComparison.OrdinalIgnoreCase))
            .Select(AuditOne)
            .ToList();

    private static RoleAssignmentFinding AuditOne(ArmResource assignment)
    {
        var roles = new List<BuiltInRole>();
        var problems = new List<string>();
        foreach (var candidate in assignment.Evaluate("properties.roleDefinitionId"))
        {
            var rendered = candidate.Render();
            var guids = RoleGuid().Matches(rendered).Select(match => Guid.Parse(match.Value)).ToList();
            if (candidate is not ArmText || guids.Count != 1)
            {
                problems.Add($"roleDefinitionId is not a constant built-in role id: {Describe(candidate)}");
                continue;
            }

            if (BuiltInRoleAllowList.Find(guids[0]) is { } role)
            {
                roles.Add(role);
            }
            else
            {
                problems.Add($"role {guids[0]} is not on the allow-list");
            }
        }

        var delegated = roles.Any(role => BuiltInRoleAllowList.Delegating.Contains(role.Id)) ? AuditCondition(assignment, problems) : [];
        return new RoleAssignmentFinding(assignment.Path, roles.Distinct().ToList(), problems) { DelegatedRoles = delegated };
    }

    /// <summary>
    /// A delegating role is allowed only with a version 2.0 condition that limits both creating and deleting
    /// assignments to allow-listed, non-delegating roles and to service principals.
    /// </summary>
    private static List<BuiltInRole> AuditCondition(ArmResource assignment, List<string> problems)
    {
        var delegated = new List<BuiltInRole>();
        if (assignment.Evaluate("properties.conditionVersion") is not [ArmText { Value: "2.0" }])
        {
            problems.Add("a delegating role without conditionVersion 2.0");
        }

        foreach (var candidate in assignment.Evaluate("properties.condition"))
        {
            if (candidate is not ArmText { Value: var condition })
            {
                problems.Add($"a delegating role without a constant condition: {Describe(candidate)}");
                continue;
            }

            foreach (var clause in new[] { "roleAssignments/write'})) OR (@Request[", "roleAssignments/delete'})) OR (@Resource[" })
            {
                if (!condition.Contains(clause, StringComparison.Ordinal)) problems.Add($"the condition does not constrain {clause.Split('\'')[0]}");
            }

            if (!condition.Contains("PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'ServicePrincipal'}", StringComparison.Ordinal))
            {
                problems.Add("the condition does not limit assignees to service principals");
            }

            var guids = RoleGuid().Matches(condition).Select(match => Guid.Parse(match.Value)).ToList();
            if (guids.Count == 0) problems.Add("the condition names no role");
            foreach (var guid in guids)
            {
                if (BuiltInRoleAllowList.Find(guid) is not { } role) problems.Add($"the condition lets it assign {guid}, which is not on the allow-list");
                else if (BuiltInRoleAllowList.Delegating.Contains(guid)) problems.Add($"the condition lets it assign the delegating role {role.Name}");
                else delegated.Add(role);
            }
        }

        return delegated.Distinct().ToList();
    }

    private static string Describe(ArmValue value) => value is ArmUnknown unknown ? unknown.Reason : value.Render();

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex RoleGuid();
}
