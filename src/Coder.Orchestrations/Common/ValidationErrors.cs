namespace Coder.Orchestrations.Common;

/// <summary>Collects field errors (JSON paths in camelCase) and throws them as one 400.</summary>
public sealed class ValidationErrors
{
    readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
    }

    /// <summary>Copies <paramref name="other"/>'s errors, each field renamed by <paramref name="rename"/> (e.g. under a parent path).</summary>
    public void AddAll(ValidationErrors other, Func<string, string> rename)
    {
        foreach (var (field, messages) in other._errors)
        {
            foreach (string message in messages) Add(rename(field), message);
        }
    }

    public void ThrowIfAny()
    {
        if (Any) throw CoderProblemException.Validation(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    }
}
