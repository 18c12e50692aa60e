using System.Text.Json.Nodes;
using Coder.Infra.Tests.Arm;
using Coder.Infra.Tests.Arm.Values;
using Xunit;

namespace Coder.Infra.Tests;

/// <summary>The static evaluator the template checks rely on, on hand-written ARM JSON.</summary>
public sealed class ArmEvaluatorTests
{
    [Fact]
    public void Evaluate_ResolvesVariablePropertyAccess()
    {
        var scope = ScopeOf("""{ "variables": { "roles": { "reader": "acdd72a7-3385-48ef-bd42-f606fba81ae7" } } }""");

        var values = ArmEvaluator.Evaluate(JsonValue.Create("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', variables('roles').reader)]"), scope);

        Assert.Equal(["Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7"], values.Texts());
    }

    [Fact]
    public void Evaluate_IfKeepsBothBranches()
    {
        var scope = ScopeOf("""{ "parameters": { "on": { "type": "bool" } } }""");

        var values = ArmEvaluator.Evaluate(JsonValue.Create("[if(parameters('on'), 'a', format('{0}-{1}', 'b', 'c'))]"), scope);

        Assert.Equal(["a", "b-c"], values.Texts());
    }

    [Fact]
    public void Evaluate_FormatTreatsDoubledBracesAsLiteralBraces()
    {
        var scope = ScopeOf("""{ "variables": { "condition": "GuidEquals {{{0}}} AND {{'x'}}" } }""");

        var values = ArmEvaluator.Evaluate(JsonValue.Create("[format(variables('condition'), 'abc')]"), scope);

        Assert.Equal(["GuidEquals {abc} AND {'x'}"], values.Texts());
    }

    [Fact]
    public void Evaluate_CopyIndexYieldsEveryElement()
    {
        var scope = ScopeOf("""{ "variables": { "names": [ "x", "[concat('y', 'z')]" ] } }""");

        var values = ArmEvaluator.Evaluate(JsonValue.Create("[variables('names')[copyIndex()]]"), scope);

        Assert.Equal(["x", "yz"], values.Texts());
    }

    [Fact]
    public void Evaluate_ParameterOfNestedDeploymentComesFromTheParentScope()
    {
        var template = JsonNode.Parse("""
            {
              "parameters": { "top": { "type": "string", "defaultValue": "from-default" } },
              "resources": {
                "child": {
                  "type": "Microsoft.Resources/deployments",
                  "properties": {
                    "parameters": { "inner": { "value": "[parameters('top')]" } },
                    "template": {
                      "parameters": { "inner": { "type": "string" } },
                      "resources": { "thing": { "type": "Test/things", "name": "[parameters('inner')]" } }
                    }
                  }
                }
              }
            }
            """)!.AsObject();

        var thing = Assert.Single(ArmTemplateWalker.Resources(template), resource => resource.Type == "Test/things");

        Assert.Equal("child/thing", thing.Path);
        Assert.Equal("from-default", thing.Evaluate("name").Constant());
    }

    [Fact]
    public void Evaluate_DeploymentTimeFunctionIsUnknown()
    {
        var values = ArmEvaluator.Evaluate(JsonValue.Create("[reference('x').outputs.id.value]"), ScopeOf("{}"));

        Assert.IsType<ArmUnknown>(Assert.Single(values));
        Assert.StartsWith("<not constant", values.Constant(), StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_UnionMergesObjectsLaterWins()
    {
        var values = ArmEvaluator.Evaluate(JsonValue.Create("[union(createObject('a', '1', 'b', '2'), createObject('b', '3'))]"), ScopeOf("{}"));

        var merged = Assert.IsType<ArmObject>(Assert.Single(values));
        Assert.Equal("1", merged.Member("a").Constant());
        Assert.Equal("3", merged.Member("b").Constant());
    }

    [Fact]
    public void Evaluate_EscapedBracketIsALiteral()
    {
        var values = ArmEvaluator.Evaluate(JsonValue.Create("[[not an expression]"), ScopeOf("{}"));

        Assert.Equal(["[not an expression]"], values.Texts());
    }

    private static ArmScope ScopeOf(string templateJson) => ArmScope.Root(JsonNode.Parse(templateJson)!.AsObject());
}
