namespace Coder.Cli.Connect;

/// <summary>Getting to the workspace failed (the relay refused, the connection dropped); one line for the user and the exit code to end with.</summary>
public sealed class ConnectFailedException(string message, int exitCode, Exception? innerException = null) : Exception(message, innerException)
{
    public int ExitCode { get; } = exitCode;
}
