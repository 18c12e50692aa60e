using System.Security.Cryptography;
using System.Text;
using Coder.Agent.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Coder.Agent.ControlPlane;

/// <summary>
/// Keeps a token the control plane handed over (a claimed warm-pool member) in the agent's state folder, 0600, so an agent
/// restarted with the token it was issued (revoked by the handover) still authenticates. The file names the issued token
/// it replaces by its SHA-256 only; a new build's token (a start after a stop) does not match, and the file is ignored.
/// </summary>
public static class RotatedTokenFile
{
    public const string FileName = "agent-token";

    /// <summary>The credential to run with: the kept token when it replaced <paramref name="issuedToken"/>, else the issued one; rotations are kept.</summary>
    public static AgentCredential Open(string stateDirectory, string issuedToken, ILogger logger)
    {
        string path = Path.Combine(stateDirectory, FileName);
        return new AgentCredential(Read(path, issuedToken) ?? issuedToken, rotated =>
        {
            try
            {
                Write(path, issuedToken, rotated);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Log.TokenNotPersisted(logger, ex);
            }
        });
    }

    static string? Read(string path, string issuedToken)
    {
        try
        {
            var lines = File.ReadAllLines(path);
            return lines is [var replaces, var rotated, ..] && replaces == Fingerprint(issuedToken) && rotated.Length > 0 ? rotated : null;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    static void Write(string path, string issuedToken, string rotated)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(temporary, options))
        {
            file.Write(Encoding.UTF8.GetBytes($"{Fingerprint(issuedToken)}\n{rotated}\n"));
            file.Flush(flushToDisk: true);
        }

        // A rename, so a crash leaves the old file or the new one, never half of one.
        File.Move(temporary, path, overwrite: true);
    }

    static string Fingerprint(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
