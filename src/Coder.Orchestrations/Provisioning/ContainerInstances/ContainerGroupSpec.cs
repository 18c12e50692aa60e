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
    public static JsonObject Properties(WorkspaceResourceSpec spec, AzureProvisioningOptions options, string shareName, WorkspaceIdentity identity, AgentDownload agent)
    {
        var containers = new JsonArray();
        for (int replica = 0; replica < spec.Replicas; replica++)
        {
            var env = new JsonArray();
            // The identity's client id is this workspace's, set below: never one the bootstrap may have passed.
            foreach (var (name, value) in spec.AgentEnvironment.Where(e => e.Key != WorkspaceIdentity.ClientIdVariable).OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                env.Add(new JsonObject { ["name"] = name, ["secureValue"] = value });
            }

            env.Add(new JsonObject { ["name"] = AgentIds.Variable, ["value"] = AgentIds.For(spec.Workspace.WorkspaceId, spec.BuildId, replica) });
            env.Add(new JsonObject { ["name"] = "CODER_AGENT_REPLICA", ["value"] = replica.ToString(CultureInfo.InvariantCulture) });
            env.Add(new JsonObject { ["name"] = "CODER_WORKSPACE_DIR", ["value"] = HomePath });
            // The agent signs in as the workspace's own identity, the only one the group wears.
            env.Add(new JsonObject { ["name"] = WorkspaceIdentity.ClientIdVariable, ["value"] = identity.ClientId });
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
                    ["azureFile"] = AzureFile(options, shareName, identity),
                },
                new JsonObject { ["name"] = AgentVolume, ["emptyDir"] = new JsonObject() }),
        };
    }

    /// <summary>The share is mounted with the workspace's own identity (shared keys are off on the files account).</summary>
    static JsonObject AzureFile(AzureProvisioningOptions options, string shareName, WorkspaceIdentity identity) => new()
    {
        ["shareName"] = shareName,
        ["storageAccountName"] = options.FilesAccount ?? throw new InvalidOperationException("Coder:Azure:FilesAccount is required by the aci provisioner."),
        ["userManagedIdentityClientId"] = identity.ClientId,
    };

    public static string ContainerName(int replica) => $"workspace-r{replica}";

    /// <summary>ACI takes memory in GB with one decimal.</summary>
    public static double MemoryInGb(int memoryMiB) => Math.Max(0.1, Math.Round(memoryMiB / 1024.0, 1, MidpointRounding.AwayFromZero));
}
