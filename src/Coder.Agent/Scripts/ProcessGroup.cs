using Coder.Agent.Configuration;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Coder.Agent.Scripts;

/// <summary>
/// Starts commands in their own session and process group (through <c>setsid</c>) so a timeout kills everything the script
/// started, including background children, by signalling the group.
/// </summary>
public static partial class ProcessGroup
{
    const int SigKill = 9;
    static readonly string? SetsidPath = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);

    /// <summary>A start info that runs <paramref name="fileName"/> as a new process group leader where <c>setsid</c> exists.</summary>
    public static ProcessStartInfo CreateStartInfo(string fileName, IEnumerable<string> arguments, string workingDirectory)
    {
        var info = new ProcessStartInfo
        {
            FileName = SetsidPath ?? fileName,
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        AgentSettings.RemoveSecrets(info.Environment); // Commands users run through a connection see no agent secret either.
        if (SetsidPath is not null) info.ArgumentList.Add(fileName);
        foreach (string argument in arguments) info.ArgumentList.Add(argument);
        return info;
    }

    /// <summary>Kills the process group led by <paramref name="process"/> and, as a fallback, its process tree.</summary>
    public static void Kill(Process process)
    {
        try
        {
            if (SetsidPath is not null) _ = SendSignal(-process.Id, SigKill);
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
