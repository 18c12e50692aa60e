using System.Text.Json.Nodes;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Provisioning.ContainerInstances;
using Coder.Provisioning.Tests.FakeArm;

namespace Coder.Provisioning.Tests.ContainerInstances;

/// <summary>
/// The size the aci provisioner observes, read from Container Groups - Get bodies of the official contract:
/// Specs/ContainerInstance/containerInstance.json (api-version 2026-05-01: ResourceRequirements with required
/// <c>requests</c> {cpu, memoryInGB} and optional <c>limits</c>) and its example ContainerGroupsGet_Succeeded.json;
/// documentation page https://learn.microsoft.com/rest/api/container-instances/container-groups/get.
/// </summary>
public sealed class ContainerGroupResourcesTests
{
    const string GetExample = "ContainerInstance/ContainerGroupsGet_Succeeded.json";

    static JsonObject Properties() => OfficialSpecs.Response(GetExample, 200)["properties"]!.AsObject();

    static JsonObject Resources(JsonObject properties, int container = 0) => properties["containers"]![container]!["properties"]!["resources"]!.AsObject();

    [Fact]
    public void The_official_GET_example_is_observed_as_one_unit_of_1_CPU_and_1_5_GB()
    {
        var unit = Assert.Single(ContainerGroupResources.Observe(Properties())!);

        Assert.Equal((0, 1.0, 1536L, "cpu 1, memoryInGB 1.5"), (unit.Replica, unit.Cpu!.Value, unit.MemoryMiB!.Value, unit.PlatformSize));
        Assert.True(unit.Matches(1, 1536));
        Assert.False(unit.Matches(1, 1024));
        Assert.False(unit.Matches(2, 1536));
        Assert.Equal("cpu 1, memoryInGB 1.5 (1 CPU, 1536 MiB)", unit.Describe());
    }

    [Theory]
    [InlineData(1.5, true)] // as sent: 1536 MiB is 1.5 GiB
    [InlineData(1.6, true)] // the same amount in decimal GB rounded to 0.1 (1.61 GB)
    [InlineData(1.4, false)]
    [InlineData(1.7, false)]
    [InlineData(3.0, false)] // changed from outside
    public void A_declared_1_5_GiB_is_ACIs_rounding_at_1_5_or_1_6_GB_and_drift_at_anything_else(double reportedGb, bool same)
    {
        var properties = Properties();
        Resources(properties)["requests"]!["memoryInGB"] = reportedGb;

        Assert.Equal(same, Assert.Single(ContainerGroupResources.Observe(properties)!).Matches(1, 1536));
    }

    [Theory]
    [InlineData(1.004, true)]
    [InlineData(1.01, false)]
    [InlineData(2, false)]
    public void Cpu_is_compared_to_the_0_01_core_step_requests_are_written_with(double reportedCpu, bool same)
    {
        var properties = Properties();
        Resources(properties)["requests"]!["cpu"] = reportedCpu;

        Assert.Equal(same, Assert.Single(ContainerGroupResources.Observe(properties)!).Matches(1, 1536));
    }

    [Fact]
    public void A_limit_caps_the_container_so_a_limit_set_from_outside_is_the_size_observed()
    {
        var properties = Properties();
        Resources(properties)["limits"] = new JsonObject { ["memoryInGB"] = 0.5 };

        var unit = Assert.Single(ContainerGroupResources.Observe(properties)!);

        Assert.Equal((1.0, 512L), (unit.Cpu!.Value, unit.MemoryMiB!.Value));
        Assert.False(unit.Matches(1, 1536));
    }

    [Fact]
    public void Replicas_are_read_from_the_container_names_the_provisioner_gives_them()
    {
        var properties = Properties();
        var second = properties["containers"]![0]!.DeepClone();
        second["name"] = ContainerGroupSpec.ContainerName(1);
        properties["containers"]![0]!["name"] = ContainerGroupSpec.ContainerName(0);
        second["properties"]!["resources"]!["requests"]!["memoryInGB"] = 3.0;
        properties["containers"]!.AsArray().Insert(0, second);

        var units = ContainerGroupResources.Observe(properties)!;

        Assert.Equal([1, 0], units.Select(u => u.Replica));
        Assert.Equal([false, true], units.Select(u => u.Matches(1, 1536)));
    }

    [Fact]
    public void Absent_or_malformed_resources_are_unknown_not_drift()
    {
        Assert.Null(ContainerGroupResources.Observe(null));
        Assert.Null(ContainerGroupResources.Observe(new JsonObject()));

        var noResources = Properties();
        noResources["containers"]![0]!["properties"]!.AsObject().Remove("resources");
        Assert.Null(ContainerGroupResources.Observe(noResources));

        var noMemory = Properties();
        Resources(noMemory)["requests"]!.AsObject().Remove("memoryInGB");
        Assert.Null(ContainerGroupResources.Observe(noMemory));

        var text = Properties();
        Resources(text)["requests"]!["cpu"] = "1";
        Assert.Null(ContainerGroupResources.Observe(text));

        // The unit that reports nothing is left out; the others still count.
        var mixed = Properties();
        var reported = mixed["containers"]![0]!.DeepClone();
        Resources(mixed).Remove("requests");
        mixed["containers"]!.AsArray().Add(reported);
        Assert.Equal(1, Assert.Single(ContainerGroupResources.Observe(mixed)!).Replica);
    }

    [Fact]
    public void The_rule_is_the_provisioners_own_memory_rounding_for_every_size_it_sends()
    {
        foreach (int mib in new[] { 128, 512, 1000, 1536, 2048, 3584, 16384 })
        {
            var sent = new ObservedUnitSize(0, 1, (long)Math.Round(ContainerGroupSpec.MemoryInGb(mib) * 1024), Rule: AciSizeRule.Instance);
            Assert.True(sent.Matches(1, mib), $"{mib} MiB sent as {ContainerGroupSpec.MemoryInGb(mib)} GB");
        }
    }
}
