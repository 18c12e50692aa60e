using System.Diagnostics;

namespace Coder.Agent.Scripts;

/// <summary>
/// Runs one child process in its own process group with a timeout, streaming its output lines to callbacks. On timeout or
/// cancellation the whole group is killed. Output readers get a short grace period after exit, because a background child
/// that keeps the pipe open must not hold the agent.
/// </summary>
public static class ProcessRunner
{
    static readonly TimeSpan OutputGrace = TimeSpan.FromSeconds(1);

    public static async Task<ScriptOutcome> RunAsync(string name, ProcessStartInfo startInfo, TimeSpan timeout,
        Action<string> onStdout, Action<string> onStderr, TimeProvider time, Action<int>? onStarted, CancellationToken cancellationToken)
    {
        long started = time.GetTimestamp();
        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            onStderr($"failed to start: {ex.Message}");
            return new ScriptOutcome(name, null, time.GetElapsedTime(started), TimedOut: false, Canceled: false);
        }
        // With setsid the child is its own session leader, so its pid is the session id of everything it starts.
        onStarted?.Invoke(process.Id);
        process.StandardInput.Close();
        var stdout = PumpAsync(process.StandardOutput, onStdout);
        var stderr = PumpAsync(process.StandardError, onStderr);

        using var timeoutCts = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeoutCts.Token, cancellationToken);
        bool timedOut = false, canceled = false;
        try
        {
            await process.WaitForExitAsync(linked.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = timeoutCts.IsCancellationRequested;
            canceled = !timedOut;
            ProcessGroup.Kill(process);
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5), time, CancellationToken.None)
                ;
        }
        try
        {
            await Task.WhenAll(stdout, stderr).WaitAsync(OutputGrace, time, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            // A background child still holds the pipe; what was read so far is kept.
        }
        int? exitCode = timedOut || canceled ? null : process.ExitCode;
        return new ScriptOutcome(name, exitCode, time.GetElapsedTime(started), timedOut, canceled);
    }

    static async Task PumpAsync(StreamReader reader, Action<string> onLine)
    {
        try
        {
            while (await reader.ReadLineAsync() is { } line) onLine(line);
        }
        catch (IOException)
        {
            // The pipe broke when the group was killed.
        }
        catch (ObjectDisposedException)
        {
            // The process object was disposed after the grace period.
        }
    }
}
