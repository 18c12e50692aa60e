using System.Diagnostics;
using System.Text;

namespace Coder.Cli.Tests.Infrastructure;

/// <summary>A <c>coder</c> process still running (port-forward, a long ssh): its stderr lines as they come, Ctrl-C, its end.</summary>
public sealed class RunningCli : IDisposable
{
    readonly string[] _args;
    readonly Task _readingStdout;
    readonly StringBuilder _stdout = new();
    readonly StringBuilder _stderr = new();

    public RunningCli(Process process, string[] args)
    {
        Process = process;
        _args = args;
        _readingStdout = ReadStdoutAsync();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line) lock (_stderr) _stderr.AppendLine(line);
        };
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    /// <summary>Everything on stdout so far (a prompt has no newline, so this is not line by line).</summary>
    public string Stdout
    {
        get { lock (_stdout) return _stdout.ToString(); }
    }

    public string Stderr
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    async Task ReadStdoutAsync()
    {
        char[] buffer = new char[4096];
        int read;
        while ((read = await Process.StandardOutput.ReadAsync(buffer)) > 0)
        {
            lock (_stdout) _stdout.Append(buffer, 0, read);
        }
    }

    /// <summary>Ctrl-C, as a terminal delivers it: SIGINT to the process.</summary>
    public async Task InterruptAsync()
    {
        using var kill = Process.Start("kill", ["-INT", Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    public async Task<CliResult> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await Process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            Process.Kill(entireProcessTree: true);
            throw new TimeoutException($"coder {string.Join(' ', _args)} did not finish within {timeout.TotalSeconds} s.\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}");
        }

        Process.WaitForExit(); // Flushes the asynchronous stderr reader.
        await _readingStdout;
        return new CliResult(Process.ExitCode, Stdout, Stderr);
    }

    public void Dispose()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        Process.Dispose();
    }
}
