using System.Diagnostics;

namespace Coder.Provisioning.Tests.AgentBinaries;

/// <summary>
/// Runs a bootstrap's shell command as the workspace would, with a fresh tmpfs over the folder it installs into (bwrap),
/// so the command runs verbatim, paths included, without touching this machine's /opt or /usr/local/bin.
/// </summary>
public static class Sandbox
{
    public const string ExecutableMarker = "sandbox: installed file is executable";

    public sealed record Result(int ExitCode, string Output, byte[]? Installed)
    {
        public bool InstalledExecutable => Output.Contains(ExecutableMarker, StringComparison.Ordinal);
    }

    /// <param name="tmpfs">Folder replaced by an empty tmpfs (it and <paramref name="installed"/>'s folder are created inside).</param>
    public static async Task<Result> RunAsync(string tmpfs, string installed, params string[] command)
    {
        string copy = Path.Combine(Path.GetTempPath(), "coder-agent-install-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("bwrap") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in (string[])["--dev-bind", "/", "/", "--tmpfs", tmpfs, "--dir", Path.GetDirectoryName(installed)!, "--", "/bin/sh", "-c",
            // The command runs first, in its own shell; then whatever it installed is copied out for the test to read.
            "\"$0\" \"$@\"; status=$?; if [ -f '" + installed + "' ]; then cp '" + installed + "' '" + copy + "'; fi; if [ -x '" + installed + "' ]; then echo " + ExecutableMarker + "; fi; exit $status"])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string argument in command) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bwrap did not start.");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        await process.WaitForExitAsync(deadline.Token);
        byte[]? bytes = File.Exists(copy) ? await File.ReadAllBytesAsync(copy, deadline.Token) : null;
        if (File.Exists(copy)) File.Delete(copy);
        return new Result(process.ExitCode, await stdout + await stderr, bytes);
    }
}
