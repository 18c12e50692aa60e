using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Coder.Cli.Tests.Infrastructure;

namespace Coder.Cli.Tests;

/// <summary>
/// <c>coder ssh dev</c> at a real local terminal: <c>script</c> gives the CLI a pseudo-terminal, as a user's terminal
/// emulator does. Raw mode is what lets ^C reach the remote process instead of ending the CLI; the terminal's size
/// travels at start and on SIGWINCH; and the local terminal's settings are the same after the session as before.
/// </summary>
[Collection(ConnectCollection.Name)]
public sealed partial class InteractiveShellTests(ConnectFixture fixture) : IDisposable
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    readonly CoderCli _cli = fixture.Cli();

    [Fact]
    public async Task AtALocalTerminal_CtrlCInterruptsTheRemoteSleep_ResizeFollows_AndTheTerminalIsRestored()
    {
        using var terminal = _cli.StartAtTerminal(
            $"stty cols 101 rows 33; echo TTY=$(tty); echo BEFORE=$(stty -g); {CoderCli.ShellCommand} ssh dev; echo EXIT=$?; echo AFTER=$(stty -g)");
        try
        {
            await Eventually.WaitAsync(() => Prompted(terminal.Stdout) || terminal.Process.HasExited, Deadline, "the remote shell's prompt");
            string tty = Tty().Match(terminal.Stdout).Groups[1].Value;

            await TypeAsync(terminal, "stty size\r");
            await Eventually.WaitAsync(() => terminal.Stdout.Contains("33 101", StringComparison.Ordinal), Deadline, "the initial size on the remote");

            // The user resizes the window: the kernel tells the terminal's foreground process (the CLI) with SIGWINCH.
            using (var resize = Process.Start("stty", ["-F", tty, "cols", "120", "rows", "40"])) await resize.WaitForExitAsync();
            await TypeAsync(terminal, "stty size\r");
            await Eventually.WaitAsync(() => terminal.Stdout.Contains("40 120", StringComparison.Ordinal), Deadline, "the new size on the remote");

            await TypeAsync(terminal, "sleep 4321\r");
            await Eventually.WaitAsync(SleepIsRunning, Deadline, "the remote sleep");
            await TypeAsync(terminal, "\u0003");
            await Eventually.WaitAsync(() => !SleepIsRunning(), Deadline, "^C to end the remote sleep");
            await TypeAsync(terminal, "echo rc=$?\r");
            await Eventually.WaitAsync(() => terminal.Stdout.Contains("rc=130", StringComparison.Ordinal), Deadline, "the sleep's status: killed by SIGINT");

            await TypeAsync(terminal, "exit 4\r");
            var result = await terminal.WaitForExitAsync(Deadline);
            Assert.Contains("EXIT=4", result.Stdout);
            string before = Settings().Match(result.Stdout).Groups[1].Value, after = Settings().Matches(result.Stdout)[1].Groups[1].Value;
            Assert.True(before.Length > 0 && before == after, $"the terminal's settings changed: {before} -> {after}");
        }
        finally
        {
            if (!terminal.Process.HasExited) terminal.Process.Kill(entireProcessTree: true);
        }
    }

    static bool Prompted(string screen) => screen.Contains("TTY=", StringComparison.Ordinal) && (screen.TrimEnd().EndsWith('#') || screen.TrimEnd().EndsWith('$'));

    static async Task TypeAsync(RunningCli terminal, string keys)
    {
        await terminal.Process.StandardInput.BaseStream.WriteAsync(Encoding.UTF8.GetBytes(keys));
        await terminal.Process.StandardInput.BaseStream.FlushAsync();
    }

    static bool SleepIsRunning() => Processes.Running("sleep", "4321");

    [GeneratedRegex(@"TTY=(/dev/pts/\d+)")]
    private static partial Regex Tty();

    [GeneratedRegex(@"(?:BEFORE|AFTER)=([0-9a-f:]+)")]
    private static partial Regex Settings();

    public void Dispose() => _cli.Dispose();
}
