using System.Diagnostics;

namespace Coder.Infra.Tests.Bicep;

/// <summary>Runs the real bicep binary from the NuGet package. No network: every call passes --no-restore.</summary>
public static class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public static Task<BicepRun> BuildToStdoutAsync(string bicepFile, CancellationToken cancellationToken) =>
        RunAsync(["build", bicepFile, "--stdout", "--no-restore"], cancellationToken);

    public static Task<BicepRun> LintAsync(string globPattern, CancellationToken cancellationToken) =>
        RunAsync(["lint", "--pattern", globPattern, "--no-restore"], cancellationToken);

    private static async Task<BicepRun> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var executable = EnsureExecutable(RepositoryPaths.BicepExecutable);
        var startInfo = new ProcessStartInfo(executable)
        {
            WorkingDirectory = RepositoryPaths.RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // Keep the CLI off the network and quiet: no telemetry, no update checks.
        startInfo.Environment["BICEP_TRACING_ENABLED"] = "false";
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start {executable}.");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);

        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }

        var stderrLines = (await stderr)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new BicepRun(process.ExitCode, await stdout, stderrLines);
    }

    /// <summary>NuGet extraction may drop the execute bit on some hosts; restore it before the first run.</summary>
    private static string EnsureExecutable(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                "The bicep binary was not restored. Run `dotnet restore tests/Coder.Infra.Tests` (it comes from the Azure.Bicep.CommandLine.linux-x64 package).",
                path);
        }

        if (OperatingSystem.IsWindows())
        {
            return path;
        }

        var mode = File.GetUnixFileMode(path);
        const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        if ((mode & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(path, mode | execute);
        }

        return path;
    }
}
