using System.Diagnostics;
using Coder.EndToEnd.Tests.Infrastructure;
using Coder.Local.Storage;

namespace Coder.EndToEnd.Tests.Hosting;

/// <summary>
/// The local host refuses to start with an agent that cannot run, before it starts anything else: it exits non-zero
/// with one line on stderr that says what is wrong and how to fix it.
/// </summary>
public sealed class AgentPreflightTests
{
    [Fact]
    public async Task HostWithoutItsAgent_ExitsNonZero_WithOneLine()
    {
        // The host's build output as a user would have it, less the agent.
        string copy = Path.Combine(Path.GetTempPath(), "coder-host-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            CopyDirectory(BuildOutputs.LocalHostDirectory, copy);
            string agent = Path.Combine(copy, "agent", "linux-x64", "coder-agent");
            File.Delete(agent);

            var (exitCode, stderr) = await RunHostAsync(Path.Combine(copy, "Coder.Local.dll"), copy, agentPath: null);

            Assert.NotEqual(0, exitCode);
            string line = Assert.Single(stderr);
            Assert.Contains($"The agent was not found at {agent}", line, StringComparison.Ordinal);
            Assert.Contains("CODER_AGENT_PATH", line, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    /// <summary>The failure of issue 19: the agent's dll copied without its libraries (they came from the host's framework).</summary>
    [Fact]
    public async Task AgentMissingItsLibraries_StopsTheHost_NamingTheMissingOne()
    {
        string agentDir = Path.Combine(Path.GetTempPath(), "coder-agent-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Directory.CreateDirectory(agentDir);
            string built = Path.GetDirectoryName(BuildOutputs.AgentDll)!;
            foreach (string file in new[] { "coder-agent.dll", "coder-agent.runtimeconfig.json", "Coder.Contracts.dll" })
                File.Copy(Path.Combine(built, file), Path.Combine(agentDir, file));

            var (exitCode, stderr) = await RunHostAsync(BuildOutputs.LocalHostDll, agentDir, Path.Combine(agentDir, "coder-agent.dll"));

            Assert.NotEqual(0, exitCode);
            string line = Assert.Single(stderr);
            Assert.Contains("cannot run", line, StringComparison.Ordinal);
            Assert.Contains("Microsoft.Extensions.Logging.Abstractions", line, StringComparison.Ordinal);
            Assert.Contains("CODER_AGENT_PATH", line, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(agentDir, recursive: true);
        }
    }

    static async Task<(int ExitCode, IReadOnlyList<string> Stderr)> RunHostAsync(string hostDll, string workingDirectory, string? agentPath)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        psi.ArgumentList.Add(hostDll);
        foreach (string key in psi.Environment.Keys.Where(k => k.StartsWith("CODER_", StringComparison.Ordinal)).ToList()) psi.Environment.Remove(key);
        if (agentPath is not null) psi.Environment["CODER_AGENT_PATH"] = agentPath;

        // Should it start after all, it must not take the default port or a developer's data.
        psi.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePorts.Next()}";
        psi.Environment["CODER_DATA_DIR"] = Path.Combine(workingDirectory, ".coder");
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }

        await stdout;
        return (process.ExitCode, (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    static void CopyDirectory(string from, string to)
    {
        foreach (string dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories)) Directory.CreateDirectory(dir.Replace(from, to, StringComparison.Ordinal));
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories)) File.Copy(file, file.Replace(from, to, StringComparison.Ordinal));
    }
}
