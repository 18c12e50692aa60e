using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Coder.Contracts.Templates;
using Coder.Orchestrations.Common;

namespace Coder.Orchestrations.Templates.Parameters;

/// <summary>
/// Template parameters: their declarations in a template version, and the values a workspace gives them at create, on
/// PATCH and on upgrade. Every problem names the parameter (<c>parameters.&lt;name&gt;</c>) and the rule it breaks.
/// </summary>
public static partial class ParameterValidator
{
    public const int MaxParameters = 64;
    const int MaxStringChars = 4096;
    const int MaxListItems = 64;
    static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(200);

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_-]{0,63}\z")]
    private static partial Regex ParameterName();

    /// <summary>A template version's <c>parameters</c>: names, types, defaults, options and rules that fit together.</summary>
    public static void ValidateDeclarations(IReadOnlyList<TemplateParameter>? parameters, ValidationErrors errors)
    {
        if (parameters is null) return;
        if (parameters.Count > MaxParameters) errors.Add("parameters", $"At most {MaxParameters} parameters.");
        var variables = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < parameters.Count; i++)
        {
            string at = $"parameters[{i}]";
            if (parameters[i] is not { } p) { errors.Add(at, "Must be an object."); continue; }
            if (p.Name is null) errors.Add($"{at}.name", "Required.");
            else if (!ParameterName().IsMatch(p.Name)) errors.Add($"{at}.name", "Letters, digits, '_' or '-' (at most 64), starting with a letter.");
            else if (!variables.Add(TemplateParameterEnvironment.VariableName(p.Name)))
                errors.Add($"{at}.name", $"Two parameters would both be {TemplateParameterEnvironment.VariableName(p.Name)} (names are upper-cased, '-' → '_').");
            if (p.DisplayName is { Length: > 128 }) errors.Add($"{at}.displayName", "At most 128 characters.");
            if (p.Description is { Length: > 1024 }) errors.Add($"{at}.description", "At most 1024 characters.");
            if (p.Mutable is null) errors.Add($"{at}.mutable", "Required: true or false.");
            if (p.Type is null) { errors.Add($"{at}.type", "Required: string, number, bool or list(string)."); continue; }
            if (!TemplateParameterTypes.All.Contains(p.Type)) { errors.Add($"{at}.type", "One of string, number, bool, list(string)."); continue; }
            if (!ValidateRules(p, at, errors)) continue;

            if (p.Options is { } options)
            {
                if (p.Type is not (TemplateParameterTypes.String or TemplateParameterTypes.Number)) errors.Add($"{at}.options", "Only string and number parameters have options.");
                else if (options.Count is < 1 or > 64) errors.Add($"{at}.options", "From 1 to 64 options.");
                else
                {
                    for (int o = 0; o < options.Count; o++)
                    {
                        if (Problem(p with { Options = null }, options[o]) is { } problem) errors.Add($"{at}.options[{o}]", problem);
                        else if (options.Take(o).Any(earlier => ParameterValues.Same(earlier, options[o]))) errors.Add($"{at}.options[{o}]", "Options must be unique.");
                    }
                }
            }

            if (p.Default is { } value && Problem(p, value) is { } defaultProblem) errors.Add($"{at}.default", defaultProblem);
            if (p.Required == true && p.Default is not null) errors.Add($"{at}.required", "A required parameter has no default: drop one of them.");
        }
    }

    /// <summary>Checks <c>validation</c> against the type; false when a value could not be checked against it.</summary>
    static bool ValidateRules(TemplateParameter p, string at, ValidationErrors errors)
    {
        if (p.Validation is not { } v) return true;
        bool number = p.Type == TemplateParameterTypes.Number;
        bool usable = true;
        if ((v.Min is not null || v.Max is not null || v.Monotonic is not null) && !number)
        {
            errors.Add($"{at}.validation", "min, max and monotonic apply to number parameters.");
            usable = false;
        }

        if (v.Min is { } min && v.Max is { } max && min > max) { errors.Add($"{at}.validation.min", "Must not exceed max."); usable = false; }
        if (v.Monotonic is not (null or "increasing" or "decreasing")) errors.Add($"{at}.validation.monotonic", "increasing or decreasing.");
        if (v.Regex is { } regex)
        {
            if (p.Type != TemplateParameterTypes.String) { errors.Add($"{at}.validation.regex", "Applies to string parameters."); return false; }
            if (regex.Length > 1024) { errors.Add($"{at}.validation.regex", "At most 1024 characters."); return false; }
            try
            {
                _ = new Regex(regex, RegexOptions.None, RegexTimeout);
            }
            catch (ArgumentException e)
            {
                errors.Add($"{at}.validation.regex", $"Not a valid regular expression: {e.Message}");
                return false;
            }
        }

        return usable;
    }

    /// <summary>
    /// The values of a new workspace: the given ones, checked, and the defaults of the others. An unknown name, a bad
    /// value or a missing required one is an error at <c>parameters.&lt;name&gt;</c>.
    /// </summary>
    public static Dictionary<string, JsonElement> Resolve(IReadOnlyList<TemplateParameter>? declared, IReadOnlyDictionary<string, JsonElement>? given, ValidationErrors errors)
    {
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        declared ??= [];
        RejectUnknown(declared, given, errors);
        foreach (var p in declared)
        {
            if (given?.TryGetValue(p.Name!, out var value) == true) Accept(p, value, values, errors);
            else if (p.Default is { } byDefault) values[p.Name!] = byDefault;
            else if (IsRequired(p)) errors.Add(Field(p.Name!), "Required: this template version gives it no default.");
        }

        return Bounded(values, errors);
    }

    /// <summary>
    /// A PATCH: <paramref name="changes"/> applied to <paramref name="current"/>. Only mutable parameters may change (an
    /// immutable one given its current value is fine), each within its rules, and a monotonic one only in its direction.
    /// </summary>
    public static Dictionary<string, JsonElement> Change(IReadOnlyList<TemplateParameter>? declared, IReadOnlyDictionary<string, JsonElement> current, IReadOnlyDictionary<string, JsonElement> changes, ValidationErrors errors)
    {
        var values = new Dictionary<string, JsonElement>(current, StringComparer.Ordinal);
        declared ??= [];
        RejectUnknown(declared, changes, errors);
        foreach (var p in declared)
        {
            if (!changes.TryGetValue(p.Name!, out var value)) continue;
            JsonElement? old = current.TryGetValue(p.Name!, out var o) ? o : null;
            if (ParameterValues.Same(old, value)) continue;
            if (p.Mutable != true) { errors.Add(Field(p.Name!), "Immutable: it is fixed when the workspace is created."); continue; }
            if (Problem(p, value) is null && old is { ValueKind: JsonValueKind.Number } before && value.ValueKind == JsonValueKind.Number && p.Validation?.Monotonic is { } direction
                && (direction == "increasing" ? value.GetDouble() < before.GetDouble() : value.GetDouble() > before.GetDouble()))
            {
                errors.Add(Field(p.Name!), $"Monotonic ({direction}): the current value is {Number(before.GetDouble())}.");
                continue;
            }

            Accept(p, value, values, errors);
        }

        return Bounded(values, errors);
    }

    /// <summary>
    /// An upgrade to <paramref name="target"/>: the current values carry over (those of parameters the new version drops
    /// stay stored, so a rollback still has them), <paramref name="given"/> ones are added, new parameters take their
    /// defaults, and a new required one without a value, or a carried value the new rules refuse, is an error naming it.
    /// </summary>
    public static Dictionary<string, JsonElement> CarryOver(IReadOnlyList<TemplateParameter>? target, int version, IReadOnlyDictionary<string, JsonElement> current, IReadOnlyDictionary<string, JsonElement>? given, ValidationErrors errors)
    {
        var values = new Dictionary<string, JsonElement>(current, StringComparer.Ordinal);
        target ??= [];
        RejectUnknown(target, given, errors);
        foreach (var p in target)
        {
            bool had = current.TryGetValue(p.Name!, out var old);
            if (given?.TryGetValue(p.Name!, out var value) == true)
            {
                if (had && p.Mutable != true && !ParameterValues.Same(old, value)) errors.Add(Field(p.Name!), "Immutable: it is fixed when the workspace is created.");
                else Accept(p, value, values, errors);
            }
            else if (had)
            {
                if (Problem(p, old) is { } problem) errors.Add(Field(p.Name!), $"The current value breaks v{version}'s rule ({problem}): give a new value.");
            }
            else if (p.Default is { } byDefault) values[p.Name!] = byDefault;
            else if (IsRequired(p)) errors.Add(Field(p.Name!), $"Required: new in v{version}, with no default; give a value.");
        }

        return Bounded(values, errors);
    }

    /// <summary>Required unless it says otherwise; a parameter with a default is not required by default.</summary>
    public static bool IsRequired(TemplateParameter p) => p.Required ?? p.Default is null;

    /// <summary>Why <paramref name="value"/> does not fit <paramref name="p"/>'s type, options and rules; null when it does.</summary>
    public static string? Problem(TemplateParameter p, JsonElement value)
    {
        string? problem = p.Type switch
        {
            TemplateParameterTypes.String => value.ValueKind != JsonValueKind.String ? "Must be a string."
                : value.GetString()!.Length > MaxStringChars ? $"At most {MaxStringChars} characters."
                : p.Validation?.Regex is { } regex && !Matches(regex, value.GetString()!) ? $"Must match the regex {regex}."
                : null,
            TemplateParameterTypes.Number => value.ValueKind != JsonValueKind.Number || !double.IsFinite(value.GetDouble()) ? "Must be a number."
                : p.Validation?.Min is { } min && value.GetDouble() < min ? $"At least {Number(min)} (validation.min)."
                : p.Validation?.Max is { } max && value.GetDouble() > max ? $"At most {Number(max)} (validation.max)."
                : null,
            TemplateParameterTypes.Bool => value.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : "Must be true or false.",
            TemplateParameterTypes.ListOfString => value.ValueKind == JsonValueKind.Array && value.GetArrayLength() <= MaxListItems
                && value.EnumerateArray().All(item => item.ValueKind == JsonValueKind.String && item.GetString()!.Length <= MaxStringChars)
                ? null : $"Must be a list of at most {MaxListItems} strings.",
            _ => "The parameter's type is unknown.",
        };
        if (problem is null && p.Options is { Count: > 0 } options && !options.Any(option => ParameterValues.Same(option, value)))
            problem = $"Must be one of the options: {string.Join(", ", options.Select(ParameterValues.Text))}.";
        return problem;
    }

    static void RejectUnknown(IReadOnlyList<TemplateParameter> declared, IReadOnlyDictionary<string, JsonElement>? given, ValidationErrors errors)
    {
        if (given is null) return;
        if (given.Count > MaxParameters) { errors.Add("parameters", $"At most {MaxParameters} values."); return; }
        string known = declared.Count == 0 ? "it declares none" : "it declares " + string.Join(", ", declared.Select(p => p.Name));
        foreach (string name in given.Keys.Where(name => !declared.Any(p => p.Name == name)))
            errors.Add(Field(name.Length > 64 ? name[..64] : name), $"Unknown parameter: {known}.");
    }

    static void Accept(TemplateParameter p, JsonElement value, Dictionary<string, JsonElement> values, ValidationErrors errors)
    {
        if (Problem(p, value) is { } problem) errors.Add(Field(p.Name!), problem);
        else values[p.Name!] = value.Clone();
    }

    static Dictionary<string, JsonElement> Bounded(Dictionary<string, JsonElement> values, ValidationErrors errors)
    {
        if ((ParameterValues.Write(values)?.Length ?? 0) > ParameterValues.MaxStoredChars) errors.Add("parameters", $"At most {ParameterValues.MaxStoredChars} characters of values in all.");
        return values;
    }

    static bool Matches(string regex, string value)
    {
        try
        {
            return Regex.IsMatch(value, regex, RegexOptions.None, RegexTimeout);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    static string Field(string name) => $"parameters.{name}";

    static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);
}
