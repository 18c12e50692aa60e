using System.Globalization;
using System.Text.Json;
using Coder.Contracts.Templates;

namespace Coder.Cli.Commands;

/// <summary>
/// <c>--parameter name=value</c>: the text a user types, made the JSON value the template's declaration asks for (a
/// number, true/false, a list as JSON or comma-separated, a string otherwise). Rules beyond the type are the API's.
/// </summary>
public static class ParameterSyntax
{
    public static Dictionary<string, JsonElement> Parse(IEnumerable<string> pairs, IReadOnlyList<TemplateParameter> declared)
    {
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (string pair in pairs)
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0) throw new CliUsageException($"--parameter '{pair}' is not NAME=VALUE.");
            string name = pair[..equals];
            values[name] = Value(name, pair[(equals + 1)..], declared.FirstOrDefault(p => p.Name == name));
        }

        return values;
    }

    /// <summary>The JSON value of <paramref name="text"/> for <paramref name="parameter"/> (unknown: a string, which the API refuses by name).</summary>
    public static JsonElement Value(string name, string text, TemplateParameter? parameter)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            switch (parameter?.Type)
            {
                case TemplateParameterTypes.Number:
                    if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) || !double.IsFinite(number))
                        throw new CliUsageException($"Parameter {name} is a number; '{text}' is not one.");
                    writer.WriteNumberValue(number);
                    break;
                case TemplateParameterTypes.Bool:
                    if (!bool.TryParse(text, out bool flag)) throw new CliUsageException($"Parameter {name} is true or false; '{text}' is neither.");
                    writer.WriteBooleanValue(flag);
                    break;
                case TemplateParameterTypes.ListOfString when text.TrimStart().StartsWith('['):
                    writer.Flush();
                    try
                    {
                        return JsonDocument.Parse(text).RootElement.Clone();
                    }
                    catch (JsonException e)
                    {
                        throw new CliUsageException($"Parameter {name} is a list: '{text}' is not a JSON array ({e.Message}).");
                    }
                case TemplateParameterTypes.ListOfString:
                    writer.WriteStartArray();
                    foreach (string item in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)) writer.WriteStringValue(item);
                    writer.WriteEndArray();
                    break;
                default:
                    writer.WriteStringValue(text);
                    break;
            }
        }

        return JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
    }
}
