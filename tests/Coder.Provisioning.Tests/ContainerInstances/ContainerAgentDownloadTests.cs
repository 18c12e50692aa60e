using System.Text.Json.Nodes;
using Coder.Orchestrations.Provisioning.AgentDelivery;
using Coder.Orchestrations.Provisioning.Azure;
using Coder.Orchestrations.Provisioning.ContainerInstances;
using Coder.Provisioning.Tests.AgentBinaries;
using Coder.Provisioning.Tests.FakeArm;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coder.Provisioning.Tests.ContainerInstances;

/// <summary>
/// ACI's init container gets the agent from the control plane with a stock image and verifies its SHA-256: its command,
/// taken from the PUT the fake ARM validated, is run verbatim here (sh, curl, sha256sum) against the served file.
/// </summary>
public sealed class ContainerAgentDownloadTests : ArmContractTest
{
    const string Ws = "ws-acidl00001";

    ContainerInstanceProvisioner Provisioner => new(Azure, Agent.Downloads, NullLogger<ContainerInstanceProvisioner>.Instance);

    async Task<JsonObject> InitContainerAsync()
    {
        await Provisioner.EnsureAsync(Spec(Ws), CancellationToken.None);
        Assert.Empty(Fake.ContractViolations);
        string put = Fake.Calls.Single(c => c.Method == "PUT" && c.Path.EndsWith("coder-" + Ws, StringComparison.Ordinal)).Body!;
        return JsonNode.Parse(put)!["properties"]!["initContainers"]!.AsArray().Single()!["properties"]!.AsObject();
    }

    [Fact]
    public async Task The_init_container_is_a_stock_image_that_fetches_the_published_agent_from_the_control_plane_and_installs_it_when_the_hash_matches()
    {
        var init = await InitContainerAsync();

        Assert.Equal(new AzureProvisioningOptions().AgentInstallImage, (string?)init["image"]);
        Assert.StartsWith("docker.io/curlimages/curl:", (string?)init["image"], StringComparison.Ordinal);
        string[] command = init["command"]!.AsArray().Select(c => (string)c!).ToArray();
        Assert.Contains(AgentBinaryRoutes.UrlFor(Agent.ControlPlaneUrl, AgentBinaryRoutes.LinuxX64), command[2], StringComparison.Ordinal);
        Assert.Contains(Agent.Sha256, command[2], StringComparison.Ordinal);

        var run = await Sandbox.RunAsync("/opt", ContainerGroupSpec.AgentPath + "/coder-agent", command);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(Agent.Published, run.Installed);
        Assert.True(run.InstalledExecutable, run.Output);
    }

    [Fact]
    public async Task The_group_that_downloads_the_agent_wears_only_the_workspaces_own_identity_and_the_init_container_carries_no_secret()
    {
        var init = await InitContainerAsync();
        var group = JsonNode.Parse(Fake.Calls.Single(c => c.Method == "PUT" && c.Path.EndsWith("coder-" + Ws, StringComparison.Ordinal)).Body!)!;

        // The download is anonymous (the binary route is public): no token, no identity, no environment at all.
        Assert.Null(init["environmentVariables"]);
        AssertWearsOnlyIdentityOf(Ws, group);
        var agent = group["properties"]!["containers"]!.AsArray().Single()!["properties"]!;
        Assert.Equal(IdentityOf(Ws).ClientId, EnvironmentValue(agent, "AZURE_CLIENT_ID"));
        Assert.Equal(ContainerGroupSpec.AgentPath + "/coder-agent", (string?)agent["command"]![0]);
    }

    [Fact]
    public async Task The_init_container_refuses_a_download_whose_SHA256_is_not_the_published_one()
    {
        var init = await InitContainerAsync();
        string[] command = init["command"]!.AsArray().Select(c => (string)c!).ToArray();
        Agent.Tamper();

        var run = await Sandbox.RunAsync("/opt", ContainerGroupSpec.AgentPath + "/coder-agent", command);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Null(run.Installed);
        Assert.Contains("refusing to run it", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_published_agent_no_container_group_is_created_and_the_error_says_how_to_publish_one()
    {
        Agent.Unpublish();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Provisioner.EnsureAsync(Spec(Ws), CancellationToken.None));

        Assert.Contains("azd deploy", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Fake.Calls, c => c.Method == "PUT");
    }
}
