namespace Coder.Contracts.Templates;

/// <summary>How a parameter reaches scripts: the agent exports each manifest parameter under this name.</summary>
public static class TemplateParameterEnvironment
{
    public const string Prefix = "CODER_PARAM_";

    /// <summary><c>CODER_PARAM_</c> and the name in upper case, '-' → '_' (<c>node-version</c> → <c>CODER_PARAM_NODE_VERSION</c>).</summary>
    public static string VariableName(string parameter) => Prefix + parameter.ToUpperInvariant().Replace('-', '_');
}
