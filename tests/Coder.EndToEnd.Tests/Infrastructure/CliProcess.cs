using System.Diagnostics;

namespace Coder.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The real <c>coder</c> CLI binary as a process, with its own HOME (so its config folder is a temp one), stdout
/// redirected (not a terminal: no colors, one progress line per step) and a hard deadline.
/// </summary>
public sealed class CliProcess : IDisposable
{
    readonly string _home = Path.Combine(Path.GetTempPath(), "coder-cli-home-" + Guid.NewGuid().ToString("N")[..8]);

    public CliProcess() => Directory.CreateDirectory(_home);

    public string Home => _home;

    public string ConfigPath => Path.Combine(_home, ".config", "coder", "config.json");

    public async Task<CliResult> RunAsync(params string[] args) => await RunAsync(TimeSpan.FromSeconds(120), args);

    public Task<CliResult> RunAsync(TimeSpan timeout, params string[] args) => RunAsync(null, timeout, args);

    /// <summary>Runs with <paramref name="stdin"/> piped in (then closed), as <c>echo value | coder ...</c> does.</summary>
    public Task<CliResult> RunWithInputAsync(string stdin, params string[] args) => RunAsync(stdin, TimeSpan.FromSeconds(120), args);

    async Task<CliResult> RunAsync(string? stdin, TimeSpan timeout, string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add(BuildOutputs.CliDll);
        foreach (string a in args) psi.ArgumentList.Add(a);
        foreach (string key in new[] { "CODER_URL", "CODER_TOKEN", "XDG_CONFIG_HOME" }) psi.Environment.Remove(key);
        psi.Environment["HOME"] = _home;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("The CLI did not start.");
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"coder {string.Join(' ', args)} did not finish within {timeout.TotalSeconds} s.\n{await stdout}\n{await stderr}");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    public void Dispose()
    {
        try { Directory.Delete(_home, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
