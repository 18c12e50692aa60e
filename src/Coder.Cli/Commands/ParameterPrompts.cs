using System.Text.Json;
using Coder.Cli.Http;
using Coder.Contracts.Json;
using Coder.Contracts.Templates;
using Spectre.Console;

namespace Coder.Cli.Commands;

/// <summary>
/// The parameter values of <c>coder create</c>: <c>--parameter</c> ones typed by the template's declarations, and, when a
/// terminal is attached (input and output), a prompt for each required one not given. Without a terminal nothing is
/// asked: the API's 400 names what is missing.
/// </summary>
public static class ParameterPrompts
{
    public static async Task<Dictionary<string, JsonElement>> CollectAsync(CliContext context, CoderClient client, string template, int? version, IReadOnlyList<string> given, CancellationToken cancellationToken)
    {
        bool terminal = !Console.IsInputRedirected && context.Console.Interactive;
        var declared = given.Count > 0 || terminal ? await DeclaredAsync(client, template, version, cancellationToken) : [];
        var values = ParameterSyntax.Parse(given, declared);
        if (!terminal) return values;
        foreach (var p in declared.Where(p => (p.Required ?? p.Default is null) && !values.ContainsKey(p.Name!)))
            values[p.Name!] = Ask(context.Console.Error, p);
        return values;
    }

    /// <summary><c>--parameter</c> values typed by the declarations of <paramref name="template"/>'s active version (or as strings for another version).</summary>
    public static async Task<Dictionary<string, JsonElement>> ParseAsync(CoderClient client, string template, int? version, IReadOnlyList<string> given, CancellationToken cancellationToken) =>
        ParameterSyntax.Parse(given, given.Count > 0 ? await DeclaredAsync(client, template, version, cancellationToken) : []);

    /// <summary>The active version's declarations (the only spec the API shows); none for another version, whose values go as strings.</summary>
    static async Task<IReadOnlyList<TemplateParameter>> DeclaredAsync(CoderClient client, string template, int? version, CancellationToken cancellationToken)
    {
        var answer = await client.GetAsync($"/api/templates/{Uri.EscapeDataString(template)}", cancellationToken);
        var details = answer.Body?.Deserialize(CoderJsonContext.Default.TemplateDetails);
        return details is null || (version is { } v && v != details.ActiveVersion) ? [] : details.Spec.Parameters ?? [];
    }

    static JsonElement Ask(IAnsiConsole console, TemplateParameter p)
    {
        string label = $"{p.DisplayName ?? p.Name} ({p.Type})" + (p.Description is { Length: > 0 } d ? $", {d}" : "");
        var prompt = new TextPrompt<string>(Markup.Escape(label) + "?");
        if (p.Options is { Count: > 0 } options) prompt.AddChoices(options.Select(o => o.ValueKind == JsonValueKind.String ? o.GetString()! : o.GetRawText()));
        prompt.Validate(text =>
        {
            try
            {
                ParameterSyntax.Value(p.Name!, text, p);
                return ValidationResult.Success();
            }
            catch (CliUsageException e)
            {
                return ValidationResult.Error(Markup.Escape(e.Message));
            }
        });
        return ParameterSyntax.Value(p.Name!, console.Prompt(prompt), p);
    }
}
