namespace Coder.Cli.Connect;

/// <summary>Exit codes of <c>coder ssh</c> beyond the remote command's own, as OpenSSH uses them.</summary>
public static class ConnectExitCodes
{
    /// <summary>The connection could not be made or was lost (OpenSSH's 255).</summary>
    public const int ConnectionFailed = 255;
}
