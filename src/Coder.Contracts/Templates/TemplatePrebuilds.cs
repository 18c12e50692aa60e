using System.Text.Json;

namespace Coder.Contracts.Templates;

/// <summary>
/// A warm pool (API.md "Prebuilds"): the reconciler keeps <see cref="Instances"/> workspaces of the active version
/// provisioned, ready and unowned, built with <see cref="Parameters"/> (the preset; the declared defaults for the rest).
/// A create whose immutable parameters match the preset claims one instead of provisioning.
/// </summary>
public sealed record TemplatePrebuilds
{
    /// <summary>How many ready members the pool holds: 0 to 20.</summary>
    public int? Instances { get; init; }

    /// <summary>The preset: parameter values the members are built with, by name (each declared by the version).</summary>
    public IReadOnlyDictionary<string, JsonElement>? Parameters { get; init; }
}
