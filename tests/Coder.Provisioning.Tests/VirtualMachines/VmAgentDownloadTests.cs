using System.Text;
using Coder.Orchestrations.Provisioning.AgentDelivery;
using Coder.Orchestrations.Provisioning.VirtualMachines;
using Coder.Provisioning.Tests.AgentBinaries;
using Coder.Provisioning.Tests.FakeArm;
using Microsoft.Extensions.Logging.Abstractions;
using YamlDotNet.RepresentationModel;

namespace Coder.Provisioning.Tests.VirtualMachines;

/// <summary>
/// The VM's cloud-init gets the agent from the control plane with curl and verifies its SHA-256: the install script,
/// read out of the custom data the fake ARM received, is run verbatim here against the served file.
/// </summary>
public sealed class VmAgentDownloadTests : ArmContractTest
{
    const string Ws = "ws-vmdl000001";
    const string Image = "Canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2:latest";

    VirtualMachineProvisioner Provisioner => new(Azure, Agent.Downloads, NullLogger<VirtualMachineProvisioner>.Instance);

    async Task<(string InstallScript, string CloudInit)> CloudInitAsync()
    {
        await Provisioner.EnsureAsync(Spec(Ws, image: Image), CancellationToken.None);
        string put = Fake.Calls.Last(c => c.Method == "PUT" && c.Path.EndsWith("/virtualMachines/coder-" + Ws, StringComparison.Ordinal)).Body!;
        string cloudInit = Encoding.UTF8.GetString(Convert.FromBase64String((string)JsonPath.At(System.Text.Json.Nodes.JsonNode.Parse(put)!, "properties.osProfile.customData")!));
        var yaml = new YamlStream();
        yaml.Load(new StringReader(cloudInit));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var install = ((YamlSequenceNode)root["write_files"]).Cast<YamlMappingNode>()
            .Single(file => ((YamlScalarNode)file["path"]).Value == VmCloudInit.InstallScriptPath);
        var runcmd = ((YamlSequenceNode)root["runcmd"]).Cast<YamlSequenceNode>().Select(c => string.Join(' ', c.Cast<YamlScalarNode>().Select(s => s.Value))).ToList();
        Assert.Contains($"sh {VmCloudInit.InstallScriptPath}", runcmd);
        return (((YamlScalarNode)install["content"]).Value!, cloudInit);
    }

    [Fact]
    public async Task Cloud_init_fetches_the_published_agent_from_the_control_plane_and_installs_it_when_the_hash_matches()
    {
        var (script, _) = await CloudInitAsync();

        Assert.Contains(AgentBinaryRoutes.UrlFor(Agent.ControlPlaneUrl, AgentBinaryRoutes.LinuxX64), script, StringComparison.Ordinal);
        Assert.Contains(Agent.Sha256, script, StringComparison.Ordinal);
        var run = await Sandbox.RunAsync("/usr/local/bin", VmCloudInit.AgentPath, "/bin/sh", "-c", script);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(Agent.Published, run.Installed);
        Assert.True(run.InstalledExecutable, run.Output);
    }

    [Fact]
    public async Task The_VM_whose_cloud_init_downloads_the_agent_wears_only_the_workspaces_own_identity()
    {
        var (_, cloudInit) = await CloudInitAsync();
        var vm = System.Text.Json.Nodes.JsonNode.Parse(Fake.Calls.Last(c => c.Method == "PUT" && c.Path.EndsWith("/virtualMachines/coder-" + Ws, StringComparison.Ordinal)).Body!)!;

        AssertWearsOnlyIdentityOf(Ws, vm);
        // Custom data is readable on the VM: no client id or token in it (they come with the extension's protected settings).
        Assert.DoesNotContain(IdentityOf(Ws).ClientId, cloudInit, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-agent-token", cloudInit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cloud_init_refuses_a_download_whose_SHA256_is_not_the_published_one()
    {
        var (script, _) = await CloudInitAsync();
        Agent.Tamper();

        var run = await Sandbox.RunAsync("/usr/local/bin", VmCloudInit.AgentPath, "/bin/sh", "-c", script);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Null(run.Installed);
        Assert.Contains("refusing to run it", run.Output, StringComparison.Ordinal);
    }
}
