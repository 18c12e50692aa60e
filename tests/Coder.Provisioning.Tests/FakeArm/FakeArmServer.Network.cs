using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Coder.Provisioning.Tests.FakeArm;

/// <summary>Microsoft.Network/networkInterfaces, enough for the vm provisioner's NIC.</summary>
public sealed partial class FakeArmServer
{
    Answer NetworkInterfaces(HttpRequest request, string[] s, string body)
    {
        if (s.Length != 8 || s[6] != "networkInterfaces") return Answer.Error(404, "NotFound", "");
        string id = ResourceId(s, 8);
        _resources.TryGetValue(id, out var nic);
        switch (request.Method)
        {
            case "GET":
                return nic is null ? Answer.Error(404, "ResourceNotFound", id) : Answer.Json(200, nic);
            case "PUT":
            {
                var requested = JsonNode.Parse(body)!.AsObject();
                bool existed = nic is not null;
                var stored = new JsonObject
                {
                    ["id"] = id,
                    ["name"] = s[7],
                    ["type"] = "Microsoft.Network/networkInterfaces",
                    ["location"] = requested["location"]?.DeepClone(),
                    ["tags"] = requested["tags"]?.DeepClone(),
                    ["properties"] = requested["properties"]!.DeepClone(),
                };
                stored["properties"]!["provisioningState"] = "Updating";
                _resources[id] = stored;
                return LongRunning(Answer.Json(existed ? 200 : 201, stored), "Microsoft.Network", () => stored["properties"]!["provisioningState"] = "Succeeded", resource: id);
            }

            case "DELETE":
                if (nic is null) return new Answer(204, null);
                if (AttachedTo(id) is { } vm) return Answer.Error(400, "NicInUse", $"Network interface {id} is used by {vm}.");
                return LongRunning(new Answer(202, null), "Microsoft.Network", () => _resources.Remove(id), location: true);
            default:
                return Answer.Error(405, "MethodNotAllowed", request.Method);
        }
    }

    /// <summary>The VM that references a NIC or disk id, if any.</summary>
    string? AttachedTo(string id) =>
        _resources.Values
            .Where(r => (string?)r["type"] == "Microsoft.Compute/virtualMachines")
            .FirstOrDefault(vm => vm.ToJsonString().Contains($"\"{id}\"", StringComparison.OrdinalIgnoreCase))?["id"]?.ToString();
}
