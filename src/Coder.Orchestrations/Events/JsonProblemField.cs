using System.Text.Json;

namespace Coder.Orchestrations.Events;

/// <summary>Names the field a <see cref="JsonException"/> is about: the unknown member itself, or the path of a bad value.</summary>
public static class JsonProblemField
{
    public static (string Field, string Message) Of(JsonException e, string root)
    {
        string path = e.Path is null or "$" ? "" : e.Path.TrimStart('$', '.');
        string parent = path.Length == 0 ? root : root == "body" ? path : $"{root}.{path}";
        if (!e.Message.Contains("could not be mapped", StringComparison.Ordinal)) return (parent, "Malformed JSON or a value of the wrong type.");

        // "The JSON property 'foo' could not be mapped to any .NET member contained in type ..."
        int start = e.Message.IndexOf('\'');
        int end = start < 0 ? -1 : e.Message.IndexOf('\'', start + 1);
        if (end < 0) return (parent, "Unknown field.");
        string name = e.Message[(start + 1)..end];
        string field = parent.EndsWith(name, StringComparison.Ordinal) ? parent : parent == "body" ? name : $"{parent}.{name}";
        return (field, "Unknown field.");
    }
}
