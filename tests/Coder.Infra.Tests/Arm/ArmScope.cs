using System.Text.Json.Nodes;

namespace Coder.Infra.Tests.Arm;

/// <summary>
/// Where an expression is evaluated: a template, plus (for a nested module deployment) the parameter
/// values its parent passes in, which are themselves evaluated in the parent's scope.
/// </summary>
public sealed record ArmScope(JsonObject Template, JsonNode? PassedParameters, ArmScope? Parent)
{
    /// <summary>
    /// Set on a root scope to evaluate as ARM would deploy: what only ARM knows (a reference(), subscription(),
    /// uniqueString()...) becomes the placeholder this returns for the expression's text, e.g.
    /// <c>reference(…/deployments/functionApp,…).outputs.defaultHostName.value</c>, and constant if() conditions pick their branch.
    /// </summary>
    public Func<string, string>? DeploymentPlaceholders { get; init; }

    public Func<string, string>? Placeholders => DeploymentPlaceholders ?? Parent?.Placeholders;

    public static ArmScope Root(JsonObject template) => new(template, null, null);
}
