namespace Coder.Cli.Output;

public enum OutputFormat
{
    /// <summary>Human tables.</summary>
    Table,

    /// <summary>The API's JSON, with its stable field names, for scripts.</summary>
    Json,
}
