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

    /// <summary>
    /// GNU env where it can reset signal dispositions. An agent whose host was started in the background (nohup, `cmd &amp;`,
    /// CI) inherits SIGINT and SIGQUIT ignored, and an ignored disposition survives exec: a user's Ctrl-C (the connect
    /// protocol's signal frame) then never interrupted their command. Commands start with the defaults, as sshd gives them.
    /// </summary>
    static readonly Lazy<string?> ResetSignals = new(() =>
    {
        if (!File.Exists("/usr/bin/env")) return null;
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("/usr/bin/env", ["--default-signal=INT,QUIT", "true"]) { UseShellExecute = false, RedirectStandardError = true });
            probe?.WaitForExit();
            return probe is { ExitCode: 0 } ? "/usr/bin/env" : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    });

    /// <summary>The words that start what follows them with SIGINT and SIGQUIT at their defaults; none where env cannot.</summary>
    public static IReadOnlyList<string> DefaultSignals => ResetSignals.Value is { } env ? [env, "--default-signal=INT,QUIT", "--"] : [];

    /// <summary>A start info that runs <paramref name="fileName"/> as a new process group leader where <c>setsid</c> exists.</summary>
    public static ProcessStartInfo CreateStartInfo(string fileName, IEnumerable<string> arguments, string workingDirectory)
    {
        var command = new List<string>();
        if (SetsidPath is not null) command.Add(SetsidPath);
        command.AddRange(DefaultSignals);
        command.Add(fileName);
        var info = new ProcessStartInfo
        {
            FileName = command[0],
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        AgentSettings.RemoveSecrets(info.Environment); // Commands users run through a connection see no agent secret either.
        foreach (string part in command.Skip(1).Concat(arguments)) info.ArgumentList.Add(part);
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
