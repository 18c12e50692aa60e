using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Coder.Provisioning.Tests.FakeArm;

/// <summary>
/// Microsoft.Authorization/roleAssignments at any scope, api-version 2022-04-01 (Azure/azure-rest-api-specs
/// specification/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleAssignmentsCalls.json):
/// <c>PUT /{scope}/providers/Microsoft.Authorization/roleAssignments/{roleAssignmentName}</c> (RoleAssignments_Create,
/// 201/200) with RoleAssignmentCreateParameters (<c>properties.roleDefinitionId</c> and <c>principalId</c> required,
/// <c>principalType</c> one of User, Group, ServicePrincipal, ForeignGroup, a <c>condition</c> only with
/// <c>conditionVersion</c> 2.0), the name "any valid GUID"; GET; DELETE (200 with the assignment, 204 when it does
/// not exist). As ARM does, it answers 409 RoleAssignmentExists to a second assignment of the same role to the same
/// principal at the same scope under another name, and 409 RoleAssignmentUpdateNotPermitted to a PUT that would
/// change an existing assignment. Stricter than ARM on purpose: the principal must be an identity the fake holds
/// and the scope a resource it holds (or one registered with <see cref="AddExternalScope"/>), so the tests see
/// grants made in the right order.
/// </summary>
public sealed partial class FakeArmServer
{
    const string RoleAssignmentsSegment = "/providers/Microsoft.Authorization/roleAssignments";

    readonly List<FakeRoleAssignment> _roleAssignments = [];
    readonly HashSet<string> _externalScopes = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<FakeRoleAssignment> RoleAssignments
    {
        get
        {
            lock (_gate) return _roleAssignments.ToList();
        }
    }

    /// <summary>A resource outside the workspace resource group that role assignments may be made on (the agent-events queue).</summary>
    public void AddExternalScope(string resourceId)
    {
        lock (_gate) _externalScopes.Add(resourceId);
    }

    /// <summary>Gives every assignment of <paramref name="principalId"/> a new random name: as if made out of band, by hand or by an older release.</summary>
    public void RenameRoleAssignmentsOf(string principalId)
    {
        lock (_gate)
        {
            for (int i = 0; i < _roleAssignments.Count; i++)
            {
                if (_roleAssignments[i].PrincipalId == principalId) _roleAssignments[i] = _roleAssignments[i] with { Name = Guid.NewGuid().ToString() };
            }
        }
    }

    static bool IsRoleAssignmentCall(string path) => path.Contains(RoleAssignmentsSegment + "/", StringComparison.OrdinalIgnoreCase);

    Answer RoleAssignmentCall(HttpRequest request, string path, string body)
    {
        if (request.Query["api-version"] != "2022-04-01") return Answer.Error(400, "InvalidApiVersionParameter", request.Query["api-version"].ToString());
        int at = path.IndexOf(RoleAssignmentsSegment + "/", StringComparison.OrdinalIgnoreCase);
        string scope = path[..at];
        string name = path[(at + RoleAssignmentsSegment.Length + 1)..];
        if (!Guid.TryParse(name, out _) || name.Contains('/', StringComparison.Ordinal)) return Answer.Error(400, "InvalidRoleAssignmentId", $"The role assignment ID '{name}' is not valid. The role assignment ID must be a GUID.");
        int index = _roleAssignments.FindIndex(a => a.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && a.Scope.Equals(scope, StringComparison.OrdinalIgnoreCase));
        var existing = index >= 0 ? _roleAssignments[index] : null;
        switch (request.Method)
        {
            case "GET":
                return existing is null ? Answer.Error(404, "RoleAssignmentNotFound", name) : Answer.Json(200, AssignmentBody(existing));

            case "DELETE":
                if (existing is null) return new Answer(204, null);
                _roleAssignments.RemoveAt(index);
                return Answer.Json(200, AssignmentBody(existing));

            case "PUT":
            {
                if (ParseAssignment(scope, name, body) is not { } requested) return Answer.Error(400, "InvalidRequestContent", "Not RoleAssignmentCreateParameters: properties.roleDefinitionId and properties.principalId are required strings, principalType one of User, Group, ServicePrincipal, ForeignGroup, a condition needs conditionVersion 2.0.");
                if (!RoleDefinitionIdPattern().IsMatch(requested.RoleDefinitionId)) return Answer.Error(400, "InvalidRoleDefinitionId", requested.RoleDefinitionId);
                if (!ScopeExists(scope)) return Answer.Error(404, "ResourceNotFound", $"The scope '{scope}' does not exist.");
                if (!_resources.Values.Any(r => (string?)r["type"] == IdentityType && (string?)r["properties"]!["principalId"] == requested.PrincipalId)) return Answer.Error(400, "PrincipalNotFound", $"Principal {requested.PrincipalId} does not exist in the directory {TenantId}.");
                if (existing is not null)
                {
                    return existing == requested
                        ? Answer.Json(200, AssignmentBody(existing))
                        : Answer.Error(409, "RoleAssignmentUpdateNotPermitted", "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.");
                }

                if (_roleAssignments.Any(a => a.Scope.Equals(scope, StringComparison.OrdinalIgnoreCase) && a.PrincipalId == requested.PrincipalId && a.Role == requested.Role))
                    return Answer.Error(409, "RoleAssignmentExists", "The role assignment already exists.");
                _roleAssignments.Add(requested);
                return Answer.Json(201, AssignmentBody(requested));
            }

            default:
                return Answer.Error(405, "MethodNotAllowed", request.Method);
        }
    }

    static FakeRoleAssignment? ParseAssignment(string scope, string name, string body)
    {
        try
        {
            if (JsonNode.Parse(body)?["properties"] is not JsonObject p) return null;
            string? Text(string key) => p[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
            string? type = Text("principalType");
            if (Text("roleDefinitionId") is not { } role || Text("principalId") is not { } principal) return null;
            if (p["principalType"] is not null && type is not ("User" or "Group" or "ServicePrincipal" or "ForeignGroup")) return null;
            if (p["condition"] is not null && Text("conditionVersion") != "2.0") return null;
            return new FakeRoleAssignment(scope, name, principal, role, type);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    bool ScopeExists(string scope)
    {
        if (_resources.ContainsKey(scope) || _externalScopes.Contains(scope)) return true;
        int shares = scope.IndexOf("/fileServices/default/shares/", StringComparison.OrdinalIgnoreCase);
        return shares >= 0 && _shares.ContainsKey(scope[(shares + "/fileServices/default/shares/".Length)..]);
    }

    static JsonObject AssignmentBody(FakeRoleAssignment a) => new()
    {
        ["id"] = $"{a.Scope}{RoleAssignmentsSegment}/{a.Name}",
        ["name"] = a.Name,
        ["type"] = "Microsoft.Authorization/roleAssignments",
        ["properties"] = new JsonObject
        {
            ["roleDefinitionId"] = a.RoleDefinitionId,
            ["principalId"] = a.PrincipalId,
            ["principalType"] = a.PrincipalType ?? "User",
            ["scope"] = a.Scope,
        },
    };

    [GeneratedRegex("^/subscriptions/[0-9a-fA-F-]{36}/providers/Microsoft.Authorization/roleDefinitions/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    private static partial Regex RoleDefinitionIdPattern();
}
