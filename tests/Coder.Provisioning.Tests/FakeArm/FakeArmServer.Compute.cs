using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Coder.Provisioning.Tests.FakeArm;

/// <summary>
/// Microsoft.Compute virtualMachines, disks and snapshots, answered from the official examples (Compute RP 2023-03-01,
/// Disk RP 2023-01-02). Azure.ResourceManager.Compute 1.2.0 really sends 2023-07-01 (VMs) and 2023-04-02 (disks,
/// snapshots) — its assembly carries those versions, not the ones its changelog names — so the fake insists on those;
/// the fields the provisioner uses have the same shape in both.
/// </summary>
public sealed partial class FakeArmServer
{
    const string VmCreateExample = "Compute/VirtualMachine_Create_WithSshAuthentication.json";
    const string VmInstanceViewExample = "Compute/VirtualMachine_Get_InstanceView.json";
    const string VmSizesExample = "Compute/VirtualMachine_ListAvailableVmSizes.json";
    const string DiskExample = "Compute/Disk_Create_ByCopyingASnapshot.json";
    const string SnapshotExample = "Compute/Snapshot_Get.json";

    readonly Dictionary<string, string> _powerStates = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Sizes the fake offers a running VM in place, on top of the example's list.</summary>
    public List<string> ExtraAvailableSizes { get; } = [];

    public string? PowerState(string vmName) => _powerStates.FirstOrDefault(p => p.Key.EndsWith("/" + vmName, StringComparison.OrdinalIgnoreCase)).Value;

    Answer Compute(HttpRequest request, string[] s, string body)
    {
        if (s.Length < 8) return Answer.Error(404, "NotFound", "");
        string type = s[6];
        string expected = type == "virtualMachines" ? "2023-07-01" : "2023-04-02";
        if (request.Query["api-version"] != expected) return Answer.Error(400, "InvalidApiVersionParameter", $"{type}: {request.Query["api-version"]}");
        return type switch
        {
            "virtualMachines" => VirtualMachines(request, s, body),
            "disks" => Disks(request, s, body),
            "snapshots" => Snapshots(request, s, body),
            _ => Answer.Error(404, "NotFound", type),
        };
    }

    Answer VirtualMachines(HttpRequest request, string[] s, string body)
    {
        string id = ResourceId(s, 8);
        _resources.TryGetValue(id, out var vm);
        string? sub = s.Length > 8 ? s[8] : null;
        if (vm is null && !(request.Method == "PUT" && sub is null) && !(request.Method == "DELETE" && sub is null))
            return Answer.Error(404, "ResourceNotFound", $"The Resource '{id}' was not found.");

        switch (request.Method, sub)
        {
            case ("GET", null) when request.Query["$expand"] == "instanceView":
            {
                // VirtualMachines_Get with $expand=instanceView: the resource with properties.instanceView, the same
                // VirtualMachineInstanceView the instanceView action answers.
                var expanded = vm!.DeepClone().AsObject();
                expanded["properties"]!["instanceView"] = InstanceView(id, vm);
                return Answer.Json(200, expanded);
            }

            case ("GET", null):
                return Answer.Json(200, vm!);

            case ("PUT", null):
            {
                var requested = JsonNode.Parse(body)!.AsObject();
                foreach (var disk in requested["properties"]?["storageProfile"]?["dataDisks"]?.AsArray() ?? [])
                {
                    string diskId = (string)disk!["managedDisk"]!["id"]!;
                    if (!_resources.ContainsKey(diskId)) return Answer.Error(404, "NotFound", $"Disk {diskId} not found.");
                }

                bool existed = vm is not null;
                var stored = OfficialSpecs.Response(VmCreateExample, existed ? 200 : 201);
                stored["id"] = id;
                stored["name"] = s[7];
                stored["location"] = requested["location"]?.DeepClone();
                stored["tags"] = requested["tags"]?.DeepClone();
                stored["identity"] = Worn(requested["identity"], out var wrongIdentity);
                if (wrongIdentity is not null) return wrongIdentity;
                var properties = requested["properties"]!.DeepClone().AsObject();
                // customData is write-only: ARM never returns it.
                properties["osProfile"]?.AsObject().Remove("customData");
                properties["provisioningState"] = "Creating";
                properties["vmId"] = Guid.NewGuid().ToString();
                stored["properties"] = properties;
                _resources[id] = stored;
                return LongRunning(Answer.Json(existed ? 200 : 201, stored), "Microsoft.Compute", () =>
                {
                    stored["properties"]!["provisioningState"] = "Succeeded";
                    _powerStates[id] = "running";
                }, resource: id);
            }

            case ("PATCH", null):
            {
                var patch = JsonNode.Parse(body)!.AsObject();
                var properties = vm!["properties"]!.AsObject();
                if (patch["properties"]?["hardwareProfile"]?["vmSize"] is { } size)
                {
                    bool offered = AvailableSizes().Contains((string)size!);
                    if (_powerStates.GetValueOrDefault(id) != "deallocated" && !offered)
                        return Answer.Error(409, "OperationNotAllowed", $"The requested VM size {size} is not available in the current hardware cluster. Deallocate the VM first.");
                    properties["hardwareProfile"]!["vmSize"] = size.DeepClone();
                }

                if (patch["properties"]?["storageProfile"]?["dataDisks"] is JsonArray disks)
                {
                    if (_powerStates.GetValueOrDefault(id) != "deallocated") return Answer.Error(409, "OperationNotAllowed", "The fake swaps data disks only on a deallocated VM.");
                    properties["storageProfile"]!["dataDisks"] = disks.DeepClone();
                }

                if (patch["tags"] is JsonObject tags) vm["tags"] = tags.DeepClone();
                properties["provisioningState"] = "Updating";
                return LongRunning(Answer.Json(200, vm), "Microsoft.Compute", () => properties["provisioningState"] = "Succeeded", resource: id);
            }

            case ("DELETE", null):
                if (vm is null) return new Answer(204, null);
                return LongRunning(new Answer(202, null), "Microsoft.Compute", () =>
                {
                    _resources.Remove(id);
                    _powerStates.Remove(id);
                    foreach (string ext in _resources.Keys.Where(k => k.StartsWith(id + "/extensions/", StringComparison.OrdinalIgnoreCase)).ToList()) _resources.Remove(ext);
                }, location: true);

            case ("GET", "instanceView"):
                return Answer.Json(200, InstanceView(id, vm!));

            case ("GET", "vmSizes"):
            {
                var sizes = OfficialSpecs.Response(VmSizesExample, 200);
                foreach (string extra in ExtraAvailableSizes) sizes["value"]!.AsArray().Add(new JsonObject { ["name"] = extra, ["numberOfCores"] = 4, ["memoryInMB"] = 16384 });
                return Answer.Json(200, sizes);
            }

            case ("POST", "deallocate"):
                return LongRunning(new Answer(202, null), "Microsoft.Compute", () => _powerStates[id] = "deallocated", both: true);

            case ("POST", "start"):
                return LongRunning(new Answer(202, null), "Microsoft.Compute", () => _powerStates[id] = "running", both: true);

            case (_, "extensions"):
                return Extensions(request, s, body, id);

            default:
                return Answer.Error(405, "MethodNotAllowed", $"{request.Method} {sub}");
        }
    }

    /// <summary>The official instance view example with this VM's name, provisioning state and power state.</summary>
    JsonObject InstanceView(string id, JsonNode vm)
    {
        var view = OfficialSpecs.Load(VmInstanceViewExample)["responses"]!["200"]!["body"]!.DeepClone().AsObject();
        view["computerName"] = vm["properties"]?["osProfile"]?["computerName"]?.DeepClone();
        // The example's boot diagnostics URIs are "{myStorageAccount}" placeholders, which no client can parse.
        view.Remove("bootDiagnostics");
        view["statuses"] = new JsonArray(
            new JsonObject { ["code"] = $"ProvisioningState/{((string?)vm["properties"]!["provisioningState"])?.ToLowerInvariant()}", ["level"] = "Info" },
            new JsonObject { ["code"] = $"PowerState/{_powerStates.GetValueOrDefault(id, "starting")}", ["level"] = "Info" });
        return view;
    }

    HashSet<string> AvailableSizes() =>
        OfficialSpecs.Response(VmSizesExample, 200)["value"]!.AsArray().Select(v => (string)v!["name"]!).Concat(ExtraAvailableSizes).ToHashSet(StringComparer.OrdinalIgnoreCase);

    Answer Extensions(HttpRequest request, string[] s, string body, string vmId)
    {
        if (s.Length != 10) return Answer.Error(404, "NotFound", "");
        string id = ResourceId(s, 10);
        _resources.TryGetValue(id, out var extension);
        switch (request.Method)
        {
            case "GET":
                return extension is null ? Answer.Error(404, "NotFound", id) : Answer.Json(200, extension);
            case "PUT":
            {
                var requested = JsonNode.Parse(body)!.AsObject();
                var properties = requested["properties"]!.DeepClone().AsObject();
                // protectedSettings are encrypted and never returned.
                properties.Remove("protectedSettings");
                properties["provisioningState"] = "Creating";
                var stored = new JsonObject
                {
                    ["id"] = id, ["name"] = s[9], ["type"] = "Microsoft.Compute/virtualMachines/extensions",
                    ["location"] = requested["location"]?.DeepClone(), ["properties"] = properties,
                };
                bool existed = extension is not null;
                _resources[id] = stored;
                return LongRunning(Answer.Json(existed ? 200 : 201, stored), "Microsoft.Compute", () => properties["provisioningState"] = "Succeeded", resource: id);
            }

            default:
                return Answer.Error(405, "MethodNotAllowed", request.Method);
        }
    }

    Answer Disks(HttpRequest request, string[] s, string body)
    {
        string id = ResourceId(s, 8);
        _resources.TryGetValue(id, out var disk);
        switch (request.Method)
        {
            case "GET":
                return disk is null ? Answer.Error(404, "ResourceNotFound", id) : Answer.Json(200, disk);
            case "PUT":
            {
                var requested = JsonNode.Parse(body)!.AsObject();
                var creation = requested["properties"]!["creationData"]!;
                int size = (int?)requested["properties"]!["diskSizeGB"] ?? 0;
                if ((string?)creation["createOption"] == "Copy")
                {
                    string source = (string)creation["sourceResourceId"]!;
                    if (!_resources.TryGetValue(source, out var snapshot)) return Answer.Error(404, "NotFound", $"Source {source} not found.");
                    size = (int?)snapshot["properties"]!["diskSizeGB"] ?? size;
                }

                var stored = OfficialSpecs.Response(DiskExample, 202);
                stored["id"] = id;
                stored["name"] = s[7];
                stored["type"] = "Microsoft.Compute/disks";
                stored["location"] = requested["location"]?.DeepClone();
                stored["tags"] = requested["tags"]?.DeepClone();
                stored["sku"] = requested["sku"]?.DeepClone();
                var properties = requested["properties"]!.DeepClone().AsObject();
                properties["diskSizeGB"] = size;
                properties["provisioningState"] = "Updating";
                stored["properties"] = properties;
                _resources[id] = stored;
                return LongRunning(Answer.Json(202, stored), "Microsoft.Compute", () => properties["provisioningState"] = "Succeeded", resource: id);
            }

            case "DELETE":
                if (disk is null) return new Answer(204, null);
                if (AttachedTo(id) is { } vm) return Answer.Error(409, "OperationNotAllowed", $"Disk {s[7]} is attached to VM {vm}.");
                return LongRunning(new Answer(202, null), "Microsoft.Compute", () => _resources.Remove(id), location: true);
            default:
                return Answer.Error(405, "MethodNotAllowed", request.Method);
        }
    }

    Answer Snapshots(HttpRequest request, string[] s, string body)
    {
        string id = ResourceId(s, 8);
        _resources.TryGetValue(id, out var snapshot);
        switch (request.Method)
        {
            case "GET":
                return snapshot is null ? Answer.Error(404, "ResourceNotFound", id) : Answer.Json(200, snapshot);
            case "PUT":
            {
                var requested = JsonNode.Parse(body)!.AsObject();
                string source = (string)requested["properties"]!["creationData"]!["sourceResourceId"]!;
                if (!_resources.TryGetValue(source, out var disk)) return Answer.Error(404, "NotFound", $"Source {source} not found.");
                var stored = OfficialSpecs.Response(SnapshotExample, 200);
                stored["id"] = id;
                stored["name"] = s[7];
                stored["location"] = requested["location"]?.DeepClone();
                stored["tags"] = requested["tags"]?.DeepClone();
                var properties = stored["properties"]!.AsObject();
                properties.Remove("encryptionSettingsCollection");
                properties.Remove("purchasePlan");
                properties["osType"] = "Linux";
                properties["creationData"] = requested["properties"]!["creationData"]!.DeepClone();
                properties["incremental"] = requested["properties"]!["incremental"]?.DeepClone();
                properties["diskSizeGB"] = disk["properties"]!["diskSizeGB"]!.DeepClone();
                properties["diskSizeBytes"] = (int)disk["properties"]!["diskSizeGB"]! * 1024L * 1024 * 1024;
                properties["provisioningState"] = "Updating";
                _resources[id] = stored;
                return LongRunning(Answer.Json(snapshot is null ? 202 : 200, stored), "Microsoft.Compute", () => properties["provisioningState"] = "Succeeded", resource: id);
            }

            case "DELETE":
                // Snapshots_Delete (DiskRP 2023-01-02): 204 when there is no such snapshot, else 202 with a Location to poll.
                if (snapshot is null) return new Answer(204, null);
                return LongRunning(new Answer(202, null), "Microsoft.Compute", () => _resources.Remove(id), location: true);

            default:
                return Answer.Error(405, "MethodNotAllowed", request.Method);
        }
    }
}
