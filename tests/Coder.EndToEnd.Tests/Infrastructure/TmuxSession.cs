using System.Diagnostics;

namespace Coder.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A real terminal for interactive tests: a detached tmux session on its own server socket, driven with send-keys and read
/// with capture-pane, as a person at a terminal types and looks.
/// </summary>
public sealed class TmuxSession : IAsyncDisposable
{
    readonly string _socket = "coder-e2e-" + Guid.NewGuid().ToString("N")[..10];

    public static bool Available => File.Exists("/usr/bin/tmux") || File.Exists("/usr/local/bin/tmux");

    /// <summary>Starts <paramref name="command"/> in a new 80×24 window with <paramref name="environment"/> set for it.</summary>
    public async Task StartAsync(IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment, int cols = 80, int rows = 24)
    {
        var args = new List<string> { "-f", "/dev/null", "new-session", "-d", "-s", "main", "-x", cols.ToString(), "-y", rows.ToString() };
        foreach (var (key, value) in environment)
        {
            args.Add("-e");
            args.Add($"{key}={value}");
        }

        // The window outlives its command by a while, so a test can still read how it ended.
        args.Add(string.Join(' ', command.Select(Quote)) + "; echo \"[exited $?]\"; sleep 600");
        await RunAsync(args);
    }

    public Task SendKeysAsync(params string[] keys) => RunAsync(["send-keys", "-t", "main", .. keys]);

    /// <summary>Types text literally (no key names), without Enter.</summary>
    public Task TypeAsync(string text) => RunAsync(["send-keys", "-t", "main", "-l", text]);

    public Task ResizeAsync(int cols, int rows) => RunAsync(["resize-window", "-t", "main", "-x", cols.ToString(), "-y", rows.ToString()]);

    /// <summary>The visible screen and its scrollback, lines joined (wrapped lines kept whole).</summary>
    public Task<string> CaptureAsync() => RunAsync(["capture-pane", "-p", "-J", "-S", "-200", "-t", "main"]);

    public async Task<string> WaitForScreenAsync(Func<string, bool> shows, TimeSpan timeout, string what) =>
        await Eventually.WaitAsync(CaptureAsync, shows, timeout, what, TimeSpan.FromMilliseconds(150));

    async Task<string> RunAsync(IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("tmux") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-L");
        psi.ArgumentList.Add(_socket);
        foreach (string arg in args) psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("tmux did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new IOException($"tmux {string.Join(' ', psi.ArgumentList)} failed: {stderr}");
        return await stdout;
    }

    static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync(["kill-server"]);
        }
        catch (IOException)
        {
            // Already gone.
        }
    }
}
