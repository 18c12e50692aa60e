using Coder.Infra.Tests.Bicep;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace Coder.Infra.Tests;

/// <summary>azure.yaml tells azd where the Bicep is and which project becomes the Function App.</summary>
public sealed class AzureYamlTests
{
    [Fact]
    public void AzureYaml_PointsAzdAtTheBicepAndTheFunctionsProject()
    {
        var root = Load();
        var api = (YamlMappingNode)((YamlMappingNode)root["services"])["api"];

        Assert.Equal("coder-cloud", Scalar(root, "name"));
        Assert.Equal("infra/bicep", Scalar((YamlMappingNode)root["infra"], "path"));
        Assert.Equal("src/Coder.Functions", Scalar(api, "project"));
        Assert.Equal("dotnet", Scalar(api, "language"));
        Assert.Equal("function", Scalar(api, "host"));
        Assert.True(File.Exists(RepositoryPaths.MainBicep), "azure.yaml's infra.path has no main.bicep.");
    }

    [Fact]
    public void MainParameters_MapEveryRequiredParameterToAnAzdVariable()
    {
        var parameters = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.BicepRoot, "main.parameters.json")))!["parameters"]!;

        Assert.Equal("${AZURE_ENV_NAME}", parameters["environmentName"]!["value"]!.GetValue<string>());
        Assert.Equal("${AZURE_LOCATION}", parameters["location"]!["value"]!.GetValue<string>());
        Assert.Equal("${AZURE_PRINCIPAL_ID}", parameters["principalId"]!["value"]!.GetValue<string>());
        // Left out on purpose: azd generates and stores the key from the parameter's metadata.
        Assert.Null(parameters["eventGridWebhookKey"]);
    }

    private static YamlMappingNode Load()
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(RepositoryPaths.RepoRoot, "azure.yaml"));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value ?? "";
}
