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

        return new RoleAssignmentFinding(assignment.Path, roles.Distinct().ToList(), problems);
    }

    private static string Describe(ArmValue value) => value is ArmUnknown unknown ? unknown.Reason : value.Render();

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex RoleGuid();
}
