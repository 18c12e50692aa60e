namespace Coder.Cli.Commands;

/// <summary>The command line is wrong (a bad size, no login): exit 1.</summary>
public sealed class CliUsageException(string message) : Exception(message);
