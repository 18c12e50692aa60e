using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Coder.Contracts.Templates;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Templates.Parameters;

namespace Coder.Orchestrations.Prebuilds;

/// <summary>
/// What a pool is built with: the version's preset values (its defaults for the rest), and the key a create must match,
/// made of the immutable parameters only: mutable ones reach a claimed workspace through its manifest, immutable ones
/// shaped what the startup scripts already built.
/// </summary>
public static class PrebuildPreset
{
    /// <summary>The members' parameter values (the template was validated with them, so nothing is left to report).</summary>
    public static Dictionary<string, JsonElement> Values(TemplateSpec spec) =>
        ParameterValidator.Resolve(spec.Parameters, spec.Prebuilds?.Parameters, new ValidationErrors());

    public static string Key(TemplateSpec spec, IReadOnlyDictionary<string, JsonElement> values)
    {
        var text = new StringBuilder();
        foreach (var p in (spec.Parameters ?? []).Where(p => p.Mutable != true).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            text.Append(p.Name).Append('=').Append(values.TryGetValue(p.Name!, out var value) ? ParameterValues.Text(value) : "\0").Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
