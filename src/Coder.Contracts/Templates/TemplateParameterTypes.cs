namespace Coder.Contracts.Templates;

/// <summary>The types a <see cref="TemplateParameter"/> may have, as written in a template.</summary>
public static class TemplateParameterTypes
{
    public const string String = "string";
    public const string Number = "number";
    public const string Bool = "bool";
    public const string ListOfString = "list(string)";

    public static readonly IReadOnlyList<string> All = [String, Number, Bool, ListOfString];
}
