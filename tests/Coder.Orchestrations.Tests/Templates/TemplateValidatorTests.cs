using System.Text.Json;
using Coder.Contracts.Templates;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Templates;

namespace Coder.Orchestrations.Tests.Templates;

public sealed class TemplateValidatorTests
{
    static TemplateSpec Valid() => new()
    {
        Name = "python-dev",
        Provisioner = "local",
        Resources = new TemplateResources(1, 1024),
        Limits = new TemplateLimits(4, 8192, 3),
        StartupScripts = [new StartupScript("install", "pip install -r requirements.txt", 300, true)],
        Env = new Dictionary<string, string> { ["EDITOR"] = "vim" },
        Repositories = [new TemplateRepository("https://example.invalid/repo.git", "src/repo")],
    };

    [Fact]
    public void Validate_AcceptsAValidSpec() => TemplateValidator.Validate(Valid(), requireName: true);

    /// <summary>One replica is what a vm runs, and aci takes replicas as containers of its group.</summary>
    [Fact]
    public void Validate_AcceptsWhatEachProvisionerCanDo()
    {
        TemplateValidator.Validate(Valid() with { Provisioner = "vm", Image = "Canonical:ubuntu-24_04-lts:server:latest", Limits = new TemplateLimits(4, 8192, 1), Snapshots = new SnapshotPolicy(60, 3, null) }, requireName: true);
        TemplateValidator.Validate(Valid() with { Provisioner = "aci", Image = "mcr.microsoft.com/devcontainers/base:ubuntu", Limits = new TemplateLimits(4, 8192, 20) }, requireName: true);
    }

    public static TheoryData<string, Func<TemplateSpec, TemplateSpec>> Invalid => new()
    {
        { "name", s => s with { Name = "Python" } },
        { "name", s => s with { Name = "a" } },
        { "name", s => s with { Name = null } },
        { "provisioner", s => s with { Provisioner = "docker" } },
        { "schedule.defaultAutostart", s => s with { Schedule = new TemplateSchedule(DefaultAutostart: "every morning") } },
        { "schedule.defaultTimezone", s => s with { Schedule = new TemplateSchedule(DefaultTimezone: "Europe/Atlantis") } },
        { "schedule.maxAutostopAfterMinutes", s => s with { Schedule = new TemplateSchedule(MaxAutostopAfterMinutes: 0) } },
        { "image", s => s with { Provisioner = "aci" } },
        { "resources.cpu", s => s with { Resources = new TemplateResources(0, 1024) } },
        { "resources.memoryMiB", s => s with { Resources = new TemplateResources(1, null) } },
        { "limits.maxCpu", s => s with { Limits = new TemplateLimits(0.5, 8192, 3) } },
        { "limits.maxMemoryMiB", s => s with { Limits = new TemplateLimits(4, 512, 3) } },
        { "limits.maxReplicas", s => s with { Limits = new TemplateLimits(4, 8192, 0) } },
        { "startupScripts[0].name", s => s with { StartupScripts = [new StartupScript("../escape", "true", 5, true)] } },
        { "startupScripts[1].name", s => s with { StartupScripts = [new StartupScript("a", "true", 5, true), new StartupScript("a", "true", 5, true)] } },
        { "startupScripts[0].timeoutSeconds", s => s with { StartupScripts = [new StartupScript("a", "true", 0, true)] } },
        { "env.CODER_TOKEN", s => s with { Env = new Dictionary<string, string> { ["CODER_TOKEN"] = "x" } } },
        { "env.1BAD", s => s with { Env = new Dictionary<string, string> { ["1BAD"] = "x" } } },
        { "repositories[0].path", s => s with { Repositories = [new TemplateRepository("https://x.invalid/r.git", "../../etc")] } },
        { "repositories[0].path", s => s with { Repositories = [new TemplateRepository("https://x.invalid/r.git", "/etc")] } },
        { "repositories[0].url", s => s with { Repositories = [new TemplateRepository("https://me:pw@x.invalid/r.git")] } },
        { "repositories[0].ref", s => s with { Repositories = [new TemplateRepository("https://x.invalid/r.git", Ref: "--upload-pack=evil")] } },
        { "repositories[0].depth", s => s with { Repositories = [new TemplateRepository("https://x.invalid/r.git", Depth: 0)] } },
        { "repositories[0].credentialSecret", s => s with { Repositories = [new TemplateRepository("https://x.invalid/r.git", CredentialSecret: "lower")] } },
        { "repositories[1].path", s => s with { Repositories = [new TemplateRepository("https://x.invalid/r.git"), new TemplateRepository("https://y.invalid/r")] } },
        { "autoscale.enabled", s => s with { Autoscale = new AutoscaleSpec { Enabled = JsonDocument.Parse("\"sometimes\"").RootElement } } },
        { "autoscale.minCpu", s => s with { Autoscale = new AutoscaleSpec { MinCpu = 4, MaxCpu = 2 } } },
        { "snapshots.keepLast", s => s with { Snapshots = new SnapshotPolicy(60, 0, 7) } },
        { "agent.heartbeatSeconds", s => s with { Agent = new AgentSpec { HeartbeatSeconds = 0 } } },
        { "limits.maxReplicas", s => s with { Provisioner = "vm", Image = "Canonical:ubuntu-24_04-lts:server:latest" } },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Validate_NamesTheFieldAtFault(string field, Func<TemplateSpec, TemplateSpec> breakIt)
    {
        var e = Assert.Throws<CoderProblemException>(() => TemplateValidator.Validate(breakIt(Valid()), requireName: true));
        Assert.Equal(400, e.Status);
        Assert.True(e.Errors!.ContainsKey(field), $"expected an error for '{field}', got: {string.Join(", ", e.Errors!.Keys)}");
    }

    [Fact]
    public void Validate_RejectsANameInAVersionBody()
    {
        var e = Assert.Throws<CoderProblemException>(() => TemplateValidator.Validate(Valid(), requireName: false));
        Assert.Contains("name", e.Errors!.Keys);
    }

    [Fact]
    public void Validate_AcceptsDryRunAutoscale() =>
        TemplateValidator.Validate(Valid() with { Autoscale = new AutoscaleSpec { Enabled = JsonDocument.Parse("\"dry-run\"").RootElement, MinCpu = 1, MaxCpu = 2 } }, requireName: true);
}
