using System.Diagnostics;

namespace Coder.Bench.Scenarios;

/// <summary>
/// The agent builds the scenarios measure. They are built from the current source in every bench run, so a binary left
/// over from an older commit is never what gets measured.
/// </summary>
public static class AgentBuilds
{
    static readonly Lock Publishing = new();
    static Task<string>? _native;

    /// <summary>
    /// The AOT binary: <c>CODER_AGENT_AOT_PATH</c> when set, else a publish of the current source, once per bench run
    /// (the native link alone takes about a minute here, and two scenarios use the binary).
    /// </summary>
    public static Task<string> NativeAsync(string repoRoot, CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable("CODER_AGENT_AOT_PATH") is { Length: > 0 } given) return Task.FromResult(given);
        lock (Publishing)
        {
            if (_native is null || _native.IsFaulted || _native.IsCanceled) _native = PublishNativeAsync(repoRoot, cancellationToken);
            return _native;
        }
    }

    static async Task<string> PublishNativeAsync(string repoRoot, CancellationToken cancellationToken)
    {
        string output = Path.Combine(repoRoot, "src", "Coder.Agent", "bin", "bench-aot");
        await DotnetAsync(repoRoot, ["publish", "src/Coder.Agent", "-c", "Release", "-r", "linux-x64", "-p:PublishAot=true", "-o", output], cancellationToken);
        return Path.Combine(output, "coder-agent");
    }

    /// <summary>The framework-dependent agent, built from the current source.</summary>
    public static async Task<string> ManagedAsync(string repoRoot, CancellationToken cancellationToken)
    {
        string output = Path.Combine(repoRoot, "src", "Coder.Agent", "bin", "bench-jit");
        await DotnetAsync(repoRoot, ["build", "src/Coder.Agent", "-c", "Release", "-o", output], cancellationToken);
        return Path.Combine(output, "coder-agent.dll");
    }

    static async Task DotnetAsync(string repoRoot, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = repoRoot, UseShellExecute = false, RedirectStandardOutput = true };
        foreach (string argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        string output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0) throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} failed with exit code {process.ExitCode}:\n{output}");
    }
}
