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
}
