using System.Globalization;
using System.Text.Json.Nodes;
using Coder.Orchestrations.Provisioning.Azure;

namespace Coder.Orchestrations.Provisioning.ContainerInstances;

/// <summary>
/// The container group body (<c>Microsoft.ContainerInstance/containerGroups</c>, api-version 2026-05-01) for a workspace.
/// Replicas are containers of one group: they share its lifecycle and the home share, and a group is the unit ACI
/// starts, stops and bills. Each replica container runs the template image with the agent as its entrypoint, so startup
/// scripts run inside the template's image. An init container of a stock image downloads the agent from the control
/// plane into an emptyDir and refuses it unless its SHA-256 is the published one.
/// </summary>
public static class ContainerGroupSpec
{
    public const string HomeVolume = "home";
    public const string AgentVolume = "coder-agent";
    public const string HomePath = "/home/coder";
    public const string AgentPath = "/opt/coder";

    /// <summary>Environment names whose values are secrets; every agent variable is sent as <c>secureValue</c> anyway.</summary>
    public static JsonObject Properties(WorkspaceResourceSpec spec, AzureProvisioningOptions options, string shareName, AgentDownload agent)
    {
        var containers = new JsonArray();
        for (int replica = 0; replica < spec.Replicas; replica++)
        {
            var env = new JsonArray();
            foreach (var (name, value) in spec.AgentEnvironment.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                env.Add(new JsonObject { ["name"] = name, ["secureValue"] = value });
            }

            env.Add(new JsonObject { ["name"] = AgentIds.Variable, ["value"] = AgentIds.For(spec.Workspace.WorkspaceId, spec.BuildId, replica) });
            env.Add(new JsonObject { ["name"] = "CODER_AGENT_REPLICA", ["value"] = replica.ToString(CultureInfo.InvariantCulture) });
            env.Add(new JsonObject { ["name"] = "CODER_WORKSPACE_DIR", ["value"] = HomePath });
            containers.Add(new JsonObject
            {
                ["name"] = ContainerName(replica),
                ["properties"] = new JsonObject
                {
                    ["image"] = spec.Image ?? throw new InvalidOperationException("The aci provisioner needs the template's image."),
                    ["command"] = new JsonArray(AgentPath + "/coder-agent"),
                    ["environmentVariables"] = env,
                    ["resources"] = new JsonObject
                    {
                        ["requests"] = new JsonObject { ["cpu"] = spec.Cpu, ["memoryInGB"] = MemoryInGb(spec.MemoryMiB) },
                    },
                    ["volumeMounts"] = new JsonArray(
                        new JsonObject { ["name"] = HomeVolume, ["mountPath"] = HomePath, ["readOnly"] = false },
                        new JsonObject { ["name"] = AgentVolume, ["mountPath"] = AgentPath, ["readOnly"] = true }),
                },
            });
        }

        return new JsonObject
        {
            ["containers"] = containers,
            ["initContainers"] = new JsonArray(new JsonObject
            {
                ["name"] = "coder-agent-install",
                ["properties"] = new JsonObject
                {
                    ["image"] = options.AgentInstallImage,
                    ["command"] = new JsonArray("/bin/sh", "-c", agent.InstallScript(AgentPath + "/coder-agent")),
                    ["volumeMounts"] = new JsonArray(new JsonObject { ["name"] = AgentVolume, ["mountPath"] = AgentPath }),
                },
            }),
            ["osType"] = "Linux",
            // Agents dial out; nothing listens, so no IP address. Always: a crashed agent comes back.
            ["restartPolicy"] = "Always",
            ["volumes"] = new JsonArray(
                new JsonObject
                {
                    ["name"] = HomeVolume,
                    ["azureFile"] = AzureFile(options, shareName),
                },
                new JsonObject { ["name"] = AgentVolume, ["emptyDir"] = new JsonObject() }),
        };
    }

    /// <summary>The share is mounted with the workspace identity (shared keys are off on the files account).</summary>
    static JsonObject AzureFile(AzureProvisioningOptions options, string shareName)
    {
        var volume = new JsonObject
        {
            ["shareName"] = shareName,
            ["storageAccountName"] = options.FilesAccount ?? throw new InvalidOperationException("Coder:Azure:FilesAccount is required by the aci provisioner."),
        };
        if (options.WorkspaceIdentityClientId is { Length: > 0 } clientId) volume["userManagedIdentityClientId"] = clientId;
        return volume;
    }

    public static string ContainerName(int replica) => $"workspace-r{replica}";

    /// <summary>ACI takes memory in GB with one decimal.</summary>
    public static double MemoryInGb(int memoryMiB) => Math.Max(0.1, Math.Round(memoryMiB / 1024.0, 1, MidpointRounding.AwayFromZero));
}
