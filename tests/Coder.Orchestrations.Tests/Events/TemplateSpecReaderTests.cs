using Coder.Orchestrations.Common;
using Coder.Orchestrations.Events;

namespace Coder.Orchestrations.Tests.Events;

public sealed class TemplateSpecReaderTests
{
    const string Yaml = """
        name: py
        provisioner: local
        resources: { cpu: 1.5, memoryMiB: 1024 }
        limits:
          maxCpu: 2
          maxMemoryMiB: 4096
          maxReplicas: 2
        env:
          PORT: "8080"
        startupScripts:
          - name: hello
            script: echo hi > hello.txt
            timeoutSeconds: 60
            blocksReady: true
        """;

    [Fact]
    public void Yaml_ReadsLikeTheSameSpecInJson()
    {
        var fromYaml = TemplateSpecReader.Read("py.yaml", BinaryData.FromString(Yaml));
        var fromJson = TemplateSpecReader.Read("py.json", BinaryData.FromString(
            """{"name":"py","provisioner":"local","resources":{"cpu":1.5,"memoryMiB":1024},"limits":{"maxCpu":2,"maxMemoryMiB":4096,"maxReplicas":2},"env":{"PORT":"8080"},"startupScripts":[{"name":"hello","script":"echo hi > hello.txt","timeoutSeconds":60,"blocksReady":true}]}"""));

        Assert.Equal(Json.Serialize(fromJson), Json.Serialize(fromYaml));
        Assert.Equal(1.5, fromYaml.Resources!.Cpu);
        Assert.Equal("8080", fromYaml.Env!["PORT"]);
        Assert.True(fromYaml.StartupScripts![0].BlocksReady);
    }

    [Theory]
    [InlineData("t.yaml", "name: py\ncolour: blue\n", "colour")]
    [InlineData("t.yaml", "name: [unclosed\n", "body")]
    [InlineData("t.json", "{\"name\":", "body")]
    [InlineData("t.yaml", "resources:\n  cpu: lots\n", "resources.cpu")]
    public void BadSpec_Is400NamingTheField(string blob, string text, string field)
    {
        var e = Assert.Throws<CoderProblemException>(() => TemplateSpecReader.Read(blob, BinaryData.FromString(text)));
        Assert.Equal(400, e.Status);
        Assert.Contains(field, e.Errors!.Keys);
    }

    [Fact]
    public void Yaml_Aliases_AreRefused()
    {
        var e = Assert.Throws<CoderProblemException>(() => TemplateSpecReader.Read("t.yaml", BinaryData.FromString("name: &n py\nprovisioner: *n\n")));
        Assert.Equal(400, e.Status);
        Assert.Contains("alias", string.Join(' ', e.Errors!.SelectMany(x => x.Value)), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Yaml_ABillionLaughs_IsRefusedAtOnce()
    {
        var yaml = new System.Text.StringBuilder("a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (int i = 1; i < 10; i++) yaml.Append($"a{i}: &a{i} [{string.Join(',', Enumerable.Repeat($"*a{i - 1}", 9))}]\n");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Throws<CoderProblemException>(() => TemplateSpecReader.Read("t.yaml", BinaryData.FromString(yaml.ToString())));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }
}
