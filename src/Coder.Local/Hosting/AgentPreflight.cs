using System.Diagnostics;
using Coder.Orchestrations.Provisioning.Local;

namespace Coder.Local.Hosting;

/// <summary>
/// Before the host starts: runs the agent it will hand to workspaces with <c>--version</c> (which loads the agent's
/// libraries). An agent that cannot run would fail every workspace later with "the agent exited before it was ready";
/// here it stops the host with one line that says what is wrong and how to fix it.
/// </summary>
public static class AgentPreflight
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Null when the agent at <paramref name="configuredPath"/> (or the shipped default) runs; else the one-line problem.</summary>
    public static async Task<string?> CheckAsync(string? configuredPath, CancellationToken cancellationToken)
    {
        string path = LocalAgentLaunch.Resolve(configuredPath);
        string fix = configuredPath is { Length: > 0 }
            ? "set CODER_AGENT_PATH to a working coder-agent (or unset it to use the one the build ships)"
            : "build the host again (dotnet build src/Coder.Local) or set CODER_AGENT_PATH to a working coder-agent";
        if (!File.Exists(path)) return $"The agent was not found at {path}: {fix}.";

        var (program, args) = LocalAgentLaunch.Command(path);
        var psi = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (string arg in args) psi.ArgumentList.Add(arg);
        psi.ArgumentList.Add("--version");
        string command = string.Join(' ', psi.ArgumentList.Prepend(program));
        try
        {
            using var process = Process.Start(psi) ?? throw new InvalidOperationException("no process");
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(Timeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                return $"The agent at {path} did not answer `{command}` within {Timeout.TotalSeconds:0} s: {fix}.";
            }

            string output = await stdout;
            if (process.ExitCode == 0 && output.StartsWith(LocalAgentLaunch.FileName + " ", StringComparison.Ordinal)) return null;
            string why = FirstLine(await stderr) ?? FirstLine(output) ?? "no output";
            return $"The agent at {path} cannot run (`{command}` exited {process.ExitCode}: {why}): {fix}.";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return $"The agent at {path} cannot be started ({FirstLine(e.Message) ?? e.GetType().Name}): {fix}.";
        }
    }

    static string? FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
}
