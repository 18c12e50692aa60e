using System.Text.Json.Nodes;

namespace Coder.Infra.Tests.Arm;

/// <summary>
/// Lists every resource of a compiled template, descending into nested module deployments. Handles both
/// the classic resources array and languageVersion 2.0 symbolic-name objects.
/// </summary>
public static class ArmTemplateWalker
{
    private const string DeploymentType = "Microsoft.Resources/deployments";

    public static IReadOnlyList<ArmResource> Resources(JsonObject template) => Resources(ArmScope.Root(template));

    public static IReadOnlyList<ArmResource> Resources(ArmScope root) => Walk(root, "").ToList();

    private static IEnumerable<ArmResource> Walk(ArmScope scope, string path)
    {
        var entries = scope.Template["resources"] switch
        {
            JsonArray array => array.Select((resource, index) => (Key: index.ToString(System.Globalization.CultureInfo.InvariantCulture), Resource: resource as JsonObject)),
            JsonObject symbolic => symbolic.Select(pair => (pair.Key, Resource: pair.Value as JsonObject)),
            _ => [],
        };

        foreach (var (key, body) in entries)
        {
            if (body is null || body["existing"]?.GetValue<bool>() == true)
            {
                continue;
            }

            var type = body["type"]?.GetValue<string>() ?? throw new InvalidOperationException($"Resource {path}/{key} has no type.");
            var resourcePath = path.Length == 0 ? key : $"{path}/{key}";
            yield return new ArmResource(type, resourcePath, body, scope);

            if (type == DeploymentType && body["properties"]?["template"] is JsonObject nested)
            {
                var nestedScope = new ArmScope(nested, body["properties"]?["parameters"], scope);
                foreach (var inner in Walk(nestedScope, resourcePath))
                {
                    yield return inner;
                }
            }
        }
    }
}
