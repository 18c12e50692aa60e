using System.Text.Json;

namespace Coder.Contracts.Templates;

/// <summary>
/// A value a workspace's owner chooses when creating it (API.md "Template parameters"). Startup scripts see it as
/// <c>CODER_PARAM_&lt;NAME&gt;</c>. Required unless it has a default or says <c>required: false</c>.
/// </summary>
public sealed record TemplateParameter
{
    public string? Name { get; init; }
    public string? DisplayName { get; init; }
    public string? Description { get; init; }

    /// <summary><c>string</c>, <c>number</c>, <c>bool</c> or <c>list(string)</c> (<see cref="TemplateParameterTypes"/>).</summary>
    public string? Type { get; init; }
    public JsonElement? Default { get; init; }

    /// <summary>The only values allowed, each of <see cref="Type"/>.</summary>
    public IReadOnlyList<JsonElement>? Options { get; init; }
    public TemplateParameterValidation? Validation { get; init; }

    /// <summary>Whether the owner may change the value after the workspace is created (PATCH); false: fixed at create.</summary>
    public bool? Mutable { get; init; }
    public bool? Required { get; init; }
}
