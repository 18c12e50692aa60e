using System.Text.Json.Nodes;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Provisioning.Azure;
using Coder.Provisioning.Tests.AgentBinaries;
using Microsoft.Extensions.Options;

namespace Coder.Provisioning.Tests.FakeArm;

/// <summary>A fresh fake ARM per test and the real Azure clients pointed at it (ArmEnvironment + test credential).</summary>
public abstract class ArmContractTest : IAsyncLifetime
{
    /// <summary>The agent-events queue lives in the control plane's resource group, outside the workspace group.</summary>
    public const string AgentQueueId = $"/subscriptions/{FakeArmServer.Subscription}/resourceGroups/rg-coder-test/providers/Microsoft.ServiceBus/namespaces/sb-coder/queues/agent-events";
    public const string SubnetId = $"/subscriptions/{FakeArmServer.Subscription}/resourceGroups/{FakeArmServer.ResourceGroup}/providers/Microsoft.Network/virtualNetworks/vnet-ws/subnets/workspaces";

    protected FakeArmServer Fake { get; private set; } = null!;

    protected AzureClients Azure { get; private set; } = null!;

    /// <summary>The control plane's published agent, served on loopback (what the bootstraps download and verify).</summary>
    protected AgentBinaryServer Agent { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Fake = await FakeArmServer.StartAsync();
        Fake.AddExternalScope(AgentQueueId);
        Agent = await AgentBinaryServer.StartAsync();
        Azure = new AzureClients(Options.Create(OptionsFor(Fake)), TimeProvider.System, new StaticTokenCredential(), Fake.Transport());
    }

    public async Task DisposeAsync()
    {
        await Agent.DisposeAsync();
        await Fake.DisposeAsync();
    }

    public static AzureProvisioningOptions OptionsFor(FakeArmServer fake) => new()
    {
        SubscriptionId = FakeArmServer.Subscription,
        ResourceGroup = FakeArmServer.ResourceGroup,
        Location = FakeArmServer.Location,
        AgentQueueId = AgentQueueId,
        FilesAccount = FakeArmServer.FilesAccount,
        FilesEndpoint = fake.FilesEndpoint,
        VmSubnetId = SubnetId,
        VmAdminSshPublicKey = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC contract-test",
        ArmEndpoint = fake.Endpoint,
        RetryDelay = TimeSpan.FromMilliseconds(5),
        MaxRetryDelay = TimeSpan.FromMilliseconds(20),
        PollInterval = TimeSpan.FromMilliseconds(5),
        OperationTimeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>The resource id of a workspace's own identity.</summary>
    public static string IdentityIdOf(string workspaceId) =>
        $"/subscriptions/{FakeArmServer.Subscription}/resourceGroups/{FakeArmServer.ResourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-{workspaceId}";

    /// <summary>The principal and client id the fake gave a workspace's identity when the provisioner created it.</summary>
    protected (string PrincipalId, string ClientId) IdentityOf(string workspaceId)
    {
        var properties = Fake.Identities[IdentityIdOf(workspaceId)]["properties"]!;
        return ((string)properties["principalId"]!, (string)properties["clientId"]!);
    }

    /// <summary>A container group or VM body wears one user-assigned identity, the workspace's own (ARM ids are case-insensitive; the SDK writes "resourcegroups").</summary>
    protected static void AssertWearsOnlyIdentityOf(string workspaceId, JsonNode resource) =>
        Assert.Equal(IdentityIdOf(workspaceId), Assert.Single(resource["identity"]!["userAssignedIdentities"]!.AsObject()).Key, ignoreCase: true);

    /// <summary>The plain (not secure) value of a container's environment variable.</summary>
    protected static string? EnvironmentValue(JsonNode containerProperties, string name) =>
        (string?)containerProperties["environmentVariables"]!.AsArray().Single(e => (string?)e!["name"] == name)!["value"];

    protected static WorkspaceResourceSpec Spec(string workspaceId, string build = "b1", double cpu = 1, int memoryMiB = 2048, int replicas = 1, string image = "mcr.microsoft.com/devcontainers/base:ubuntu") =>
        new(new WorkspaceRef(workspaceId, "alice"), "py", 3, image, cpu, memoryMiB, 16, replicas, build,
            new Dictionary<string, string>
            {
                ["CODER_WORKSPACE_ID"] = workspaceId,
                ["CODER_AGENT_BUILD"] = build,
                ["CODER_AGENT_TOKEN"] = "secret-agent-token-" + build,
                ["CODER_AGENT_TRANSPORT"] = "servicebus",
                ["CODER_AGENT_SERVICEBUS_NAMESPACE"] = "sb-coder.servicebus.windows.net",
                ["CODER_AGENT_SERVICEBUS_QUEUE"] = "agent-events",
            });

    /// <summary>
    /// Every write since the last <see cref="FakeArmServer.ClearCalls"/> is a PUT, and every PUT of one resource carries
    /// the same body: the calls a retry may repeat without creating a second resource or undoing the first attempt.
    /// </summary>
    protected void AssertWritesAreIdenticalPutsOnly()
    {
        var writes = Fake.Calls.Where(c => c.Method != "GET").ToList();
        Assert.All(writes, c => Assert.True(c.Method == "PUT", $"{c.Short} is not a PUT"));
        foreach (var resource in writes.GroupBy(c => c.Path + c.Query, StringComparer.Ordinal))
        {
            Assert.True(resource.Select(c => c.Body).Distinct().Count() == 1, $"PUTs of {resource.Key} differ");
        }
    }

    /// <summary>Compares the exact ARM call sequence since the last <see cref="FakeArmServer.ClearCalls"/>, listing both on failure.</summary>
    protected void AssertCalls(params string[] expected)
    {
        var actual = Fake.Calls.Select(c => c.Short).ToList();
        Assert.True(expected.SequenceEqual(actual), $"Expected:\n  {string.Join("\n  ", expected)}\nActual:\n  {string.Join("\n  ", actual)}");
    }
}
