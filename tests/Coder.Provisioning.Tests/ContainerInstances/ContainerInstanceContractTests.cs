using System.Text.Json.Nodes;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Provisioning.ContainerInstances;
using Coder.Provisioning.Tests.FakeArm;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coder.Provisioning.Tests.ContainerInstances;

/// <summary>
/// Contract tests of the aci provisioner against the official Microsoft.ContainerInstance REST spec (swagger
/// 2026-05-01, every body validated by the fake ARM) and its example responses, through the real Azure SDK clients.
/// </summary>
public sealed class ContainerInstanceContractTests : ArmContractTest
{
    const string Ws = "ws-aci0000001";
    const string Group = "containerGroups/coder-" + Ws;
    const string Share = "shares/home-" + Ws;

    ContainerInstanceProvisioner Provisioner => new(Azure, NullLogger<ContainerInstanceProvisioner>.Instance);

    [Fact]
    public async Task Create_per_official_REST_spec_is_a_validated_PUT_run_as_LRO_and_retried_after_429_and_500_with_identical_PUTs_only()
    {
        Fake.FailNext(r => r.Method == "PUT" && r.Path.Value!.EndsWith("coder-" + Ws, StringComparison.Ordinal), 429);
        Fake.FailNext(r => r.Method == "PUT" && r.Path.Value!.EndsWith("coder-" + Ws, StringComparison.Ordinal), 500);

        var state = await Provisioner.EnsureAsync(Spec(Ws, replicas: 2), CancellationToken.None);

        AssertCalls(
            $"GET {Group} → 404",
            $"PUT {Share} → 201",
            $"PUT {Group} → 429",
            $"PUT {Group} → 500",
            $"PUT {Group} → 201",
            "GET operation → 200",
            "GET operation → 200",
            $"GET {Group} → 200");
        Assert.Empty(Fake.ContractViolations);
        var puts = Fake.Calls.Where(c => c.Method == "PUT" && c.Path.EndsWith("coder-" + Ws, StringComparison.Ordinal)).Select(c => c.Body).ToList();
        Assert.Equal(3, puts.Count);
        Assert.Single(puts.Distinct());
        Assert.True(state.Created);
        Assert.Contains(state.ResourceIds, id => id.EndsWith("/containerGroups/coder-" + Ws, StringComparison.Ordinal));

        var body = JsonNode.Parse(puts[0]!)!;
        Assert.Equal(Ws, (string?)body["tags"]!["coder-workspace-id"]);
        Assert.Equal("py@3", (string?)body["tags"]!["coder-template-version"]);
        Assert.Equal("UserAssigned", (string?)body["identity"]!["type"]);
        Assert.NotNull(body["identity"]!["userAssignedIdentities"]![IdentityId]);
        var containers = body["properties"]!["containers"]!.AsArray();
        Assert.Equal(["workspace-r0", "workspace-r1"], containers.Select(c => (string)c!["name"]!));
        foreach (var container in containers)
        {
            var p = container!["properties"]!;
            Assert.Equal(1.0, (double)p["resources"]!["requests"]!["cpu"]!);
            Assert.Equal(2.0, (double)p["resources"]!["requests"]!["memoryInGB"]!);
            var token = p["environmentVariables"]!.AsArray().Single(e => (string?)e!["name"] == "CODER_AGENT_TOKEN")!;
            Assert.Equal("secret-agent-token-b1", (string?)token["secureValue"]);
            Assert.Null(token["value"]);
            Assert.NotNull(p["environmentVariables"]!.AsArray().Single(e => (string?)e!["name"] == "CODER_AGENT_SERVICEBUS_NAMESPACE")!["secureValue"]);
            Assert.Equal("/opt/coder/coder-agent", (string?)p["command"]![0]);
        }

        var home = body["properties"]!["volumes"]!.AsArray().Single(v => (string?)v!["name"] == "home")!["azureFile"]!;
        Assert.Equal("home-" + Ws, (string?)home["shareName"]);
        Assert.Equal(IdentityClientId, (string?)home["userManagedIdentityClientId"]);
        Assert.Null(home["storageAccountKey"]);
    }

    [Fact]
    public void The_official_swagger_schema_accepts_the_official_example_and_rejects_a_body_real_ARM_would_reject()
    {
        var example = OfficialSpecs.Load("ContainerInstance/ContainerGroupsCreateOrUpdateManagedIdentityAzureFileshare.json")["parameters"]!["containerGroup"]!;
        Assert.Empty(Fake.ContainerGroupSchema.Validate(example.ToJsonString()));

        var broken = example.DeepClone();
        broken["properties"]!["containers"]![0]!["properties"]!["resources"]!["requests"]!.AsObject().Remove("cpu");
        broken["properties"]!["volumes"]![0]!["azureFile"]!.AsObject().Remove("shareName");
        broken["identity"]!["type"] = "Magic";
        var errors = Fake.ContainerGroupSchema.Validate(broken.ToJsonString());
        Assert.Contains(errors, e => e.Contains("/resources/requests", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("/azureFile", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("/identity/type", StringComparison.Ordinal));
    }
}
