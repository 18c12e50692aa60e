using System.Text.Json.Nodes;
using Coder.Infra.Tests.Arm;
using Coder.Infra.Tests.Bicep;
using Xunit;

namespace Coder.Infra.Tests;

/// <summary>The workbook charts every Coder metric and is what the template deploys; the alerts watch the right signals.</summary>
[Collection(CompiledMainTemplateCollection.Name)]
public sealed class MonitoringTests(CompiledMainTemplate compiled)
{
    private static readonly string WorkbookPath = Path.Combine(RepositoryPaths.BicepRoot, "workbook.json");

    public static TheoryData<string> CoderMetrics =>
    [
        "coder.workspaces.by_status",
        "coder.provision.duration",
        "coder.start.duration",
        "coder.snapshot.duration",
        "coder.orchestration.failures",
        "coder.reconcile.actions",
        "coder.ingest.lag",
    ];

    [Theory]
    [MemberData(nameof(CoderMetrics))]
    public void Workbook_ChartsMetric(string metric)
    {
        var queries = WorkbookQueries();

        Assert.Contains(queries, query => query.Contains($"name == \"{metric}\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Workbook_DeployedContentIsWorkbookJson()
    {
        var workbook = compiled.Single("Microsoft.Insights/workbooks");

        Assert.Equal(File.ReadAllText(WorkbookPath), workbook.Evaluate("properties.serializedData").Constant());
        Assert.Equal("Notebook/1.0", JsonNode.Parse(File.ReadAllText(WorkbookPath))!["version"]!.GetValue<string>());
    }

    [Fact]
    public void AlertRules_CoverFailedProvisionsAndStaleIngest()
    {
        var rules = compiled.OfType("Microsoft.Insights/scheduledQueryRules");
        var criteria = rules
            .Select(rule => rule.Evaluate("properties.criteria.allOf").Elements())
            .Select(criterion => (Query: ArmEvaluator.Path(criterion, "query").Constant(), Threshold: ArmEvaluator.Path(criterion, "threshold").Constant()))
            .ToList();

        var failedProvisions = Assert.Single(criteria, c => c.Query.Contains("coder.orchestration.failures", StringComparison.Ordinal));
        Assert.Contains("provision", failedProvisions.Query, StringComparison.Ordinal);
        Assert.Equal("0", failedProvisions.Threshold);

        var staleIngest = Assert.Single(criteria, c => c.Query.Contains("coder.ingest.lag", StringComparison.Ordinal));
        Assert.Equal("300", staleIngest.Threshold);
    }

    [Fact]
    public void ApplicationInsights_IsWorkspaceBasedWithLocalAuthOff()
    {
        var component = compiled.Single("Microsoft.Insights/components");

        Assert.Contains("Microsoft.OperationalInsights/workspaces", component.Evaluate("properties.WorkspaceResourceId").Texts().Single(), StringComparison.Ordinal);
        Assert.Equal("True", component.Evaluate("properties.DisableLocalAuth").Constant());
    }

    private static List<string> WorkbookQueries() =>
        JsonNode.Parse(File.ReadAllText(WorkbookPath))!["items"]!.AsArray()
            .Select(item => item?["content"]?["query"]?.GetValue<string>())
            .OfType<string>()
            .ToList();
}
