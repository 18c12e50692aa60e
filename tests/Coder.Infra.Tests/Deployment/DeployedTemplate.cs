using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Coder.Infra.Tests.Arm;
using Coder.Infra.Tests.Arm.Values;
using Coder.Infra.Tests.Bicep;

namespace Coder.Infra.Tests.Deployment;

/// <summary>
/// The compiled main.bicep as `azd up` deploys it: parameters from main.parameters.json with an azd environment's
/// values substituted (azd's <c>${VAR}</c> / <c>${VAR=default}</c>), and ARM's own resolutions as placeholders
/// (<see cref="DeploymentPlaceholders"/>). Everything else (names, literals, union()s, if()s on known parameters) is
/// evaluated from the template.
/// </summary>
public sealed partial class DeployedTemplate
{
    /// <summary>The azd environment of a first `azd up`, after the preprovision hook set AZURE_AUTH_CLIENT_ID.</summary>
    public static readonly IReadOnlyDictionary<string, string> AzdEnvironment = new Dictionary<string, string>
    {
        ["AZURE_ENV_NAME"] = "coder-test",
        ["AZURE_LOCATION"] = "westeurope",
        ["AZURE_PRINCIPAL_ID"] = "0a0b0c0d-1111-2222-3333-444455556666",
        ["AZURE_AUTH_CLIENT_ID"] = "9f9e9d9c-7777-8888-9999-000011112222",
    };

    /// <summary>azd generates this secure parameter from its metadata and keeps it in the environment.</summary>
    public const string GeneratedWebhookKey = "generated-webhook-key";

    readonly ArmScope _root;

    public DeployedTemplate(CompiledMainTemplate compiled)
    {
        var template = compiled.Template.DeepClone().AsObject();
        var parameters = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.BicepRoot, "main.parameters.json")))!["parameters"]!.AsObject();
        var declared = template["parameters"]!.AsObject();
        foreach (var (name, wrapper) in parameters)
        {
            string value = Substitute(wrapper!["value"]!.GetValue<string>());
            declared[name]!["defaultValue"] = (string?)declared[name]!["type"] switch
            {
                "bool" => JsonValue.Create(bool.Parse(value)),
                "int" => JsonValue.Create(long.Parse(value, System.Globalization.CultureInfo.InvariantCulture)),
                _ => JsonValue.Create(value),
            };
        }

        declared["eventGridWebhookKey"]!["defaultValue"] = GeneratedWebhookKey;
        _root = ArmScope.Root(template) with { DeploymentPlaceholders = DeploymentPlaceholders.For };
        Resources = ArmTemplateWalker.Resources(_root);
    }

    public IReadOnlyList<ArmResource> Resources { get; }

    /// <summary>The function app's app settings exactly as deployed; fails naming any setting with more than one possible value.</summary>
    public IReadOnlyDictionary<string, string> AppSettings()
    {
        var config = Resources.Single(r => r.Type == "Microsoft.Web/sites/config" && r.LeafNames().Contains("appsettings"));
        var settings = (ArmObject)config.Evaluate("properties").Single();
        return settings.Members.ToDictionary(member => member.Key, member => Single(member.Key, member.Value.Value, config.Scope), StringComparer.Ordinal);
    }

    /// <summary>A main.bicep output as deployed.</summary>
    public string Output(string name) =>
        Single(name, ArmEvaluator.Evaluate(_root.Template["outputs"]![name]!["value"], _root), _root);

    static string Single(string name, IReadOnlyList<ArmValue> candidates, ArmScope scope)
    {
        var values = candidates.Select(candidate => ArmEvaluator.Resolved(candidate, scope)).Distinct().ToList();
        return values is [ArmText or ArmNumber or ArmBool] && !values[0].Render().Contains("{?}", StringComparison.Ordinal)
            ? values[0].Render()
            : throw new Xunit.Sdk.XunitException($"{name} is not one known value as deployed: {string.Join(" | ", values.Select(v => v is ArmUnknown u ? u.Reason : v.Render()))}");
    }

    static string Substitute(string value) => AzdVariable().Replace(value, match =>
        AzdEnvironment.TryGetValue(match.Groups["name"].Value, out string? set) ? set : match.Groups["default"].Value);

    [GeneratedRegex(@"\$\{(?<name>[A-Z0-9_]+)(=(?<default>[^}]*))?\}")]
    private static partial Regex AzdVariable();
}
