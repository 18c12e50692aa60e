using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Coder.Provisioning.Tests.FakeArm;

/// <summary>
/// Microsoft.ManagedIdentity/userAssignedIdentities, api-version 2023-01-31 (Azure/azure-rest-api-specs
/// specification/msi/resource-manager/Microsoft.ManagedIdentity/ManagedIdentity/stable/2023-01-31/ManagedIdentity.json):
/// PUT (UserAssignedIdentities_CreateOrUpdate, 201 created / 200 updated, synchronous) takes a TrackedResource
/// (<c>location</c> required, <c>tags</c>) and answers with the read-only <c>properties.principalId</c>,
/// <c>clientId</c> and <c>tenantId</c>; GET; DELETE (200, or 204 when there is nothing to delete).
/// A container group or VM may wear only an identity that exists, and ARM reports its ids on the wearer.
/// </summary>
public sealed partial class FakeArmServer
{
    public const string IdentityType = "Microsoft.ManagedIdentity/userAssignedIdentities";
    public const string TenantId = "00000000-0000-0000-0000-0000000000e1";

    /// <summary>The user-assigned identities the fake holds, by resource id.</summary>
    public IReadOnlyDictionary<string, JsonObject> Identities
    {
        get
        {
            lock (_gate)
                return _resources.Where(r => (string?)r.Value["type"] == IdentityType).ToDictionary(r => r.Key, r => r.Value.DeepClone().AsObject(), StringComparer.OrdinalIgnoreCase);
        }
    }

    Answer UserAssignedIdentities(HttpRequest request, string[] s, string body)
    {
        if (s.Length != 8 || !s[6].Equals("userAssignedIdentities", StringComparison.OrdinalIgnoreCase)) return Answer.Error(404, "NotFound", "");
        if (request.Query["api-version"] != "2023-01-31") return Answer.Error(400, "InvalidApiVersionParameter", request.Query["api-version"].ToString());
        string id = ResourceId(s, 8);
        _resources.TryGetValue(id, out var identity);
        switch (request.Method)
        {
            case "GET":
                return identity is null ? Answer.Error(404, "ResourceNotFound", $"The Resource '{id}' was not found.") : Answer.Json(200, identity);

            case "PUT":
            {
                var requested = JsonNode.Parse(body) as JsonObject;
                if (requested?["location"] is not JsonValue location || location.GetValueKind() != System.Text.Json.JsonValueKind.String)
                    return Answer.Error(400, "LocationRequired", "The location property is required for this definition.");
                if (requested["tags"] is { } tags && (tags is not JsonObject t || t.Any(tag => tag.Value?.GetValueKind() != System.Text.Json.JsonValueKind.String)))
                    return Answer.Error(400, "InvalidRequestContent", "tags must be an object of strings.");
                bool existed = identity is not null;
                // principalId and clientId are the service's: fixed at creation, read-only after.
                var properties = identity?["properties"]?.DeepClone() ?? new JsonObject
                {
                    ["tenantId"] = TenantId,
                    ["principalId"] = Guid.NewGuid().ToString(),
                    ["clientId"] = Guid.NewGuid().ToString(),
                };
                var stored = new JsonObject
                {
                    ["id"] = id,
                    ["name"] = s[7],
                    ["type"] = IdentityType,
                    ["location"] = location.DeepClone(),
                    ["tags"] = requested["tags"]?.DeepClone() ?? new JsonObject(),
                    ["properties"] = properties,
                };
                _resources[id] = stored;
                return Answer.Json(existed ? 200 : 201, stored);
            }

            case "DELETE":
                if (identity is null) return new Answer(204, null);
                _resources.Remove(id);
                return new Answer(200, null);

            default:
                return Answer.Error(405, "MethodNotAllowed", request.Method);
        }
    }

    /// <summary>
    /// The <c>identity</c> a container group or VM is stored with: every user-assigned identity it names must exist,
    /// and ARM fills in that identity's principalId and clientId. Null with an error answer when one does not exist.
    /// </summary>
    JsonObject? Worn(JsonNode? requested, out Answer? error)
    {
        error = null;
        if (requested is not JsonObject identity) return null;
        var ids = new JsonObject();
        foreach (var (key, _) in identity["userAssignedIdentities"]?.AsObject() ?? [])
        {
            if (!_resources.TryGetValue(key, out var worn) || (string?)worn["type"] != IdentityType)
            {
                error = Answer.Error(400, "InvalidUserAssignedIdentity", $"The user-assigned identity '{key}' does not exist.");
                return null;
            }

            ids[key] = new JsonObject { ["principalId"] = worn["properties"]!["principalId"]!.DeepClone(), ["clientId"] = worn["properties"]!["clientId"]!.DeepClone() };
        }

        return new JsonObject { ["type"] = identity["type"]?.DeepClone(), ["userAssignedIdentities"] = ids, ["tenantId"] = TenantId };
    }
}
