namespace Coder.Cli.Config;

/// <summary>Where the CLI talks to, and as whom.</summary>
public sealed record CliConfig(string? Url, string? Token);
