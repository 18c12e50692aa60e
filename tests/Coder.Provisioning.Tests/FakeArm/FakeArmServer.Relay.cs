using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Coder.Provisioning.Tests.FakeArm;

/// <summary>
/// Microsoft.Relay/namespaces/{namespace}/hybridConnections/{name}, api-version 2021-11-01, as the REST reference
/// documents it (https://learn.microsoft.com/rest/api/relay/hybrid-connections/create-or-update and
/// https://learn.microsoft.com/rest/api/relay/hybrid-connections/delete; no Relay spec is in /work/shared/azure-specs):
/// PUT takes a HybridConnection (<c>properties.requiresClientAuthorization</c> bool, <c>properties.userMetadata</c>
/// string; nothing else is writable) and answers 200 with the resource (read-only <c>createdAt</c>, <c>updatedAt</c>,
/// <c>listenerCount</c>); DELETE answers 200, or 204 when there was nothing to delete; the namespace must exist (404).
/// Hybrid connection names: 1–260 characters.
/// </summary>
public sealed partial class FakeArmServer
{
    public const string RelayApiVersion = "2021-11-01";
    public const string HybridConnectionType = "Microsoft.Relay/namespaces/hybridConnections";

    static readonly HashSet<string> WritableHybridConnectionProperties = new(StringComparer.Ordinal) { "requiresClientAuthorization", "userMetadata" };

    readonly HashSet<string> _relayNamespaces = new(StringComparer.OrdinalIgnoreCase);
    readonly Dictionary<string, JsonObject> _hybridConnections = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Makes a Relay namespace exist (the Bicep deploys it; the app only makes its hybrid connections).</summary>
    public void AddRelayNamespace(string namespaceId)
    {
        lock (_gate) _relayNamespaces.Add(namespaceId);
    }

    /// <summary>The hybrid connections the fake holds, by resource id.</summary>
    public IReadOnlyDictionary<string, JsonObject> HybridConnections
    {
        get
        {
            lock (_gate) return _hybridConnections.ToDictionary(r => r.Key, r => r.Value.DeepClone().AsObject(), StringComparer.OrdinalIgnoreCase);
        }
    }

    Answer HybridConnectionCall(HttpRequest request, string[] s, string body)
    {
        if (s.Length != 10 || !s[6].Equals("namespaces", StringComparison.OrdinalIgnoreCase) || !s[8].Equals("hybridConnections", StringComparison.OrdinalIgnoreCase))
            return Answer.Error(404, "NotFound", "");
        if (request.Query["api-version"] != RelayApiVersion) return Answer.Error(400, "InvalidApiVersionParameter", request.Query["api-version"].ToString());
        if (!_relayNamespaces.Contains(ResourceId(s, 8))) return Answer.Error(404, "ParentResourceNotFound", $"The namespace '{s[7]}' was not found.");
        if (s[9].Length is 0 or > 260) return Answer.Error(400, "InvalidName", "Hybrid connection names are 1 to 260 characters.");
        string id = ResourceId(s, 10);
        switch (request.Method)
        {
            case "GET":
                return _hybridConnections.TryGetValue(id, out var existing) ? Answer.Json(200, existing) : Answer.Error(404, "NotFound", id);

            case "PUT":
            {
                if (JsonNode.Parse(body) is not JsonObject requested || requested["properties"] is not JsonObject properties)
                    return Answer.Error(400, "InvalidRequestContent", "A HybridConnection with properties is required.");
                if (properties.Select(p => p.Key).FirstOrDefault(k => !WritableHybridConnectionProperties.Contains(k)) is { } readOnly)
                    return Answer.Error(400, "InvalidRequestContent", $"properties.{readOnly} is not writable.");
                if (properties["requiresClientAuthorization"] is { } auth && auth.GetValueKind() is not (System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False))
                    return Answer.Error(400, "InvalidRequestContent", "requiresClientAuthorization must be a boolean.");
                string now = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
                var stored = new JsonObject
                {
                    ["id"] = id,
                    ["name"] = s[9],
                    ["type"] = HybridConnectionType,
                    ["properties"] = new JsonObject
                    {
                        ["createdAt"] = (string?)_hybridConnections.GetValueOrDefault(id)?["properties"]?["createdAt"] ?? now,
                        ["updatedAt"] = now,
                        ["listenerCount"] = 0,
                        ["requiresClientAuthorization"] = (bool?)properties["requiresClientAuthorization"] ?? true,
                        ["userMetadata"] = properties["userMetadata"]?.DeepClone(),
                    },
                };
                _hybridConnections[id] = stored;
                return Answer.Json(200, stored);
            }

            case "DELETE":
                return _hybridConnections.Remove(id) ? new Answer(200, null) : new Answer(204, null);

            default:
                return Answer.Error(405, "MethodNotAllowed", request.Method);
        }
    }
}
