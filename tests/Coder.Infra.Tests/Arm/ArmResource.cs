using System.Text.Json.Nodes;
using Coder.Infra.Tests.Arm.Values;

namespace Coder.Infra.Tests.Arm;

/// <summary>A resource found anywhere in a compiled template, with the scope its expressions live in.</summary>
public sealed record ArmResource(string Type, string Path, JsonObject Body, ArmScope Scope)
{
    /// <summary>Every value the member at <paramref name="dottedPath"/> may take, e.g. "properties.sku.name".</summary>
    public IReadOnlyList<ArmValue> Evaluate(string dottedPath) =>
        ArmEvaluator.Path(ArmEvaluator.Evaluate(Body, Scope), dottedPath);

    /// <summary>The last segment of every name the resource may get (child names are "parent/child").</summary>
    public IReadOnlyList<string> LeafNames() =>
        Evaluate("name").Select(name => name.Render().Split('/')[^1]).ToList();

    public override string ToString() => $"{Type} at {Path}";
}
