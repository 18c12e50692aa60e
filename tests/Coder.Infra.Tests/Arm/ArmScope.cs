using System.Text.Json.Nodes;

namespace Coder.Infra.Tests.Arm;

/// <summary>
/// Where an expression is evaluated: a template, plus (for a nested module deployment) the parameter
/// values its parent passes in, which are themselves evaluated in the parent's scope.
/// </summary>
public sealed record ArmScope(JsonObject Template, JsonNode? PassedParameters, ArmScope? Parent)
{
    public static ArmScope Root(JsonObject template) => new(template, null, null);
}
