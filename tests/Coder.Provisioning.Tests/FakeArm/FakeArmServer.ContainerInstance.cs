using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Coder.Provisioning.Tests.FakeArm;

/// <summary>Microsoft.ContainerInstance/containerGroups, api-version 2026-05-01, as the swagger and its examples describe it.</summary>
public sealed partial class FakeArmServer
{
    const string AciCreateExample = "ContainerInstance/ContainerGroupsCreateOrUpdateManagedIdentityAzureFileshare.json";
    const string AciGetExample = "ContainerInstance/ContainerGroupsGet_Succeeded.json";

    Answer ContainerGroups(HttpRequest request, string[] s, string body)
    {
        if (request.Query["api-version"] != "2026-05-01") return Answer.Error(400, "InvalidApiVersionParameter", $"api-version {request.Query["api-version"]}");
        if (s.Length < 8 || s[6] != "containerGroups") return Answer.Error(404, "NotFound", "");
        string id = ResourceId(s, 8);
        _resources.TryGetValue(id, out var group);
        string? action = s.Length > 8 ? s[8] : null;
        switch (request.Method, action)
        {
            case ("GET", null):
                return group is null ? Answer.Error(404, "ResourceNotFound", $"The Resource '{id}' was not found.") : Answer.Json(200, group);

            case ("PUT", null):
            {
                var violations = ContainerGroupSchema.Validate(body);
                if (violations.Count > 0)
                {
                    foreach (string v in violations) ContractViolations.Enqueue(v);
                    return Answer.Error(400, "InvalidRequestContent", string.Join("; ", violations));
                }

                var requested = JsonNode.Parse(body)!.AsObject();
                bool existed = group is not null;
                if (existed && !SameResources(group!, requested))
                {
                    // What the real service answers: CPU, memory and the container list cannot change on an existing group.
                    return Answer.Error(409, "ContainerGroupUpdateNotAllowed", "Updates to container resources require deleting the container group.");
                }

                var stored = OfficialSpecs.Response(AciCreateExample, existed ? 200 : 201);
                stored["id"] = id;
                stored["name"] = s[7];
                stored["location"] = requested["location"]?.DeepClone();
                stored["tags"] = requested["tags"]?.DeepClone() ?? new JsonObject();
                stored.Remove("zones");
                var worn = Worn(requested["identity"], out var wrongIdentity);
                if (wrongIdentity is not null) return wrongIdentity;
                if (worn is not null) stored["identity"] = worn;
                else stored.Remove("identity");

                var properties = requested["properties"]!.DeepClone().AsObject();
                // Secure values are never returned.
                foreach (var container in properties["containers"]!.AsArray())
                foreach (var env in container!["properties"]!["environmentVariables"]?.AsArray() ?? [])
                    env!.AsObject().Remove("secureValue");
                properties["provisioningState"] = "Pending";
                properties["instanceView"] = new JsonObject { ["state"] = "Pending", ["events"] = new JsonArray() };
                stored["properties"] = properties;
                _resources[id] = stored;
                return LongRunning(Answer.Json(existed ? 200 : 201, stored), "Microsoft.ContainerInstance", () =>
                {
                    stored["properties"]!["provisioningState"] = "Succeeded";
                    stored["properties"]!["instanceView"]!["state"] = "Running";
                }, resource: id);
            }

            case ("DELETE", null):
                if (group is null) return new Answer(204, null);
                group["properties"]!["provisioningState"] = "Deleting";
                return LongRunning(new Answer(202, null), "Microsoft.ContainerInstance", () => _resources.Remove(id));

            case ("POST", "stop"):
                if (group is null) return Answer.Error(404, "ResourceNotFound", id);
                group["properties"]!["instanceView"]!["state"] = "Stopped";
                return new Answer(204, null);

            case ("POST", "start"):
                if (group is null) return Answer.Error(404, "ResourceNotFound", id);
                return LongRunning(new Answer(202, null), "Microsoft.ContainerInstance", () => group["properties"]!["instanceView"]!["state"] = "Running");

            case ("POST", "restart"):
                if (group is null) return Answer.Error(404, "ResourceNotFound", id);
                group["properties"]!["instanceView"]!["state"] = "Running";
                return new Answer(204, null);

            default:
                return Answer.Error(405, "MethodNotAllowed", $"{request.Method} {action}");
        }
    }

    static bool SameResources(JsonObject existing, JsonObject requested)
    {
        static string Shape(JsonNode? properties) => string.Join(";", (properties?["containers"]?.AsArray() ?? []).Select(c =>
            $"{c!["name"]}:{c["properties"]!["resources"]!["requests"]!["cpu"]}:{c["properties"]!["resources"]!["requests"]!["memoryInGB"]}"));
        return Shape(existing["properties"]) == Shape(requested["properties"]);
    }
}
