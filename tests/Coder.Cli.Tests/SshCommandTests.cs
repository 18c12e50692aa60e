using System.Text;
using Coder.Cli.Tests.Infrastructure;

namespace Coder.Cli.Tests;

/// <summary>
/// <c>coder ssh</c> as a process, through the real relay process, to the agent's real connect sessions behind a relay
/// listener: what a user runs, minus the control plane, which the stand-in plays to the contract of issue #22.
/// </summary>
[Collection(ConnectCollection.Name)]
public sealed class SshCommandTests(ConnectFixture fixture) : IDisposable
{
    readonly CoderCli _cli = fixture.Cli();

    [Fact]
    public async Task Command_KeepsStdoutAndStderrApart_AndExitsWithTheRemoteExitCode()
    {
        var result = await _cli.RunAsync("ssh", "dev", "--", "sh", "-c", "echo out; echo err >&2; pwd; exit 7");

        Assert.True(result.ExitCode == 7, result.ToString());
        Assert.Equal($"out\n{fixture.Dev.Home}\n", result.Stdout);
        Assert.Equal("err\n", result.Stderr);
        // The relay carried the session id the control plane issued, and no token reached the user's screen.
        Assert.Contains(fixture.ControlPlane.IssuedSessions[^1], fixture.Dev.SessionHeaders);
        Assert.All(fixture.ControlPlane.IssuedTokens, token => Assert.DoesNotContain(token, result.Stdout + result.Stderr));
    }

    [Fact]
    public async Task Command_CarriesMegabytesBothWays_BeyondTheFlowControlWindows()
    {
        // Printable, so stdout compares as text; 3 MiB is twelve of the protocol's 256 KiB windows each way.
        byte[] input = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 3 * 1024 * 1024 / 64 + 1).Select(i => $"{i,63}\n")));

        var result = await _cli.RunAsync(input, "ssh", "dev", "--", "cat");

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Stderr}");
        Assert.True(Encoding.ASCII.GetString(input) == result.Stdout, $"{input.Length} bytes in, {result.Stdout.Length} out");
    }

    [Fact]
    public async Task CtrlC_InterruptsTheRemoteCommand_AndTheCliEndsWithItsStatus()
    {
        using var running = _cli.Start("ssh", "dev", "--", "sleep", "4322");
        await Eventually.WaitAsync(() => Processes.Running("sleep", "4322"), TimeSpan.FromSeconds(20), "the remote sleep");

        await running.InterruptAsync();
        var result = await running.WaitForExitAsync(TimeSpan.FromSeconds(15));

        Assert.True(result.ExitCode == 130, result.ToString());
        Assert.False(Processes.Running("sleep", "4322"));
    }

    [Fact]
    public async Task Shell_WithoutALocalTerminal_RunsWhatIsTypedAtItsPrompt_AndExitsWithTheShell()
    {
        using var shell = _cli.Start("ssh", "dev");
        // As at any terminal, what is typed before the shell's line editor is up may be lost: type at the prompt.
        await Eventually.WaitAsync(() => shell.Stdout.TrimEnd().EndsWith('#') || shell.Stdout.TrimEnd().EndsWith('$') || shell.Process.HasExited, TimeSpan.FromSeconds(20), "the shell's prompt");
        await shell.Process.StandardInput.WriteAsync("echo $((6*7))\n");
        await shell.Process.StandardInput.FlushAsync();
        await Eventually.WaitAsync(() => shell.Stdout.Contains("42\r\n", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "42 on the terminal");
        await shell.Process.StandardInput.WriteAsync("exit 3\n");
        await shell.Process.StandardInput.FlushAsync();

        CliResult result;
        try
        {
            result = await shell.WaitForExitAsync(TimeSpan.FromSeconds(15));
        }
        catch (TimeoutException e)
        {
            // Which end held on: the agent still holding the session, or the CLI after it ended.
            throw new TimeoutException($"{e.Message}\nagent sessions open: {fixture.Dev.Tracker.Snapshot().Active}, cli exited: {shell.Process.HasExited}, threads: {(shell.Process.HasExited ? 0 : shell.Process.Threads.Count)}, wchan: {Wchan(shell.Process.Id)}", e);
        }

        Assert.True(result.ExitCode == 3, result.ToString());
    }

    [Fact]
    public async Task StoppedWorkspace_PrintsTheControlPlanesDetail_AndExits2()
    {
        var result = await _cli.RunAsync("ssh", "stopped", "--", "true");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("workspace is stopped; `coder start stopped`", result.Stderr);
    }

    [Fact]
    public async Task AgentRefusingWith429_SaysTooManyConnections_AndExits255()
    {
        var result = await _cli.RunAsync("ssh", "busy", "--", "true");

        Assert.True(result.ExitCode == 255, result.ToString());
        Assert.Contains($"too many connections to busy (limit {FakeControlPlane.MaxConnections})", result.Stderr);
    }

    [Fact]
    public async Task DroppedRelayConnection_EndsTheSessionWithOneLine_AndExit255()
    {
        using var running = _cli.Start("ssh", "flaky", "--", "sleep", "60");
        await Eventually.WaitAsync(() => fixture.Flaky.Tracker.Snapshot().Active > 0, TimeSpan.FromSeconds(20), "the session on flaky");

        await fixture.Flaky.DropConnectionsAsync();
        var result = await running.WaitForExitAsync(TimeSpan.FromSeconds(15));

        Assert.True(result.ExitCode == 255, result.ToString());
        string line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: connection to flaky lost", line);
    }

    [Fact]
    public async Task UnknownReplica_IsRefusedByTheRelay_NotAHang()
    {
        // No agent listens on ws-…-1: the relay answers 404 at once.
        var result = await _cli.RunAsync("ssh", "dev", "--replica", "1", "--", "true");

        Assert.True(result.ExitCode == 255, result.ToString());
        Assert.Contains("not listening on the relay", result.Stderr);
    }

    static string Wchan(int pid)
    {
        try
        {
            return string.Join(" | ", Directory.GetDirectories($"/proc/{pid}/task").Select(t => File.ReadAllText(Path.Combine(t, "wchan")) + " " + File.ReadAllText(Path.Combine(t, "stat")).Split(' ')[2] + " " + File.ReadAllText(Path.Combine(t, "syscall")).Split(' ')[0]));
        }
        catch (IOException e)
        {
            return e.Message;
        }
    }

    public void Dispose() => _cli.Dispose();
}
