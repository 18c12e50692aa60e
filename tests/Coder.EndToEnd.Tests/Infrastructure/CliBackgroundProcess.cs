using System.Collections.Concurrent;
using System.Diagnostics;

namespace Coder.EndToEnd.Tests.Infrastructure;

/// <summary>A long-running <c>coder</c> command (port-forward, an ssh session fed from a pipe) with its output kept line by line.</summary>
public sealed class CliBackgroundProcess : IDisposable
{
    readonly Process _process;
    readonly ConcurrentQueue<string> _stdout = new();
    readonly ConcurrentQueue<string> _stderr = new();

    public CliBackgroundProcess(string home, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add(BuildOutputs.CliDll);
        foreach (string a in args) psi.ArgumentList.Add(a);
        foreach (string key in new[] { "CODER_URL", "CODER_TOKEN", "XDG_CONFIG_HOME" }) psi.Environment.Remove(key);
        psi.Environment["HOME"] = home;
        _process = Process.Start(psi) ?? throw new InvalidOperationException("The CLI did not start.");
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _stdout.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _stderr.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Stdout => string.Join('\n', _stdout);

    public string Stderr => string.Join('\n', _stderr);

    public bool HasExited => _process.HasExited;

    public StreamWriter Input => _process.StandardInput;

    public override string ToString() => $"--- stdout\n{Stdout}\n--- stderr\n{Stderr}";

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }
}
