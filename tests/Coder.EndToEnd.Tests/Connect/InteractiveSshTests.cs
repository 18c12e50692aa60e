using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Connect;

/// <summary>
/// <c>coder ssh dev</c> in a real terminal (tmux): the shell answers what is typed, follows the pane's size, and Ctrl-C
/// interrupts the remote foreground process (issue #22 acceptance).
/// </summary>
[Collection(ConnectCollection.Name)]
public sealed class InteractiveSshTests(ConnectFixture fixture)
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Typing_resizing_and_ctrl_c_reach_the_remote_shell()
    {
        await using var terminal = await OpenShellAsync(fixture);

        await terminal.TypeAsync("echo $((6*7))");
        await terminal.SendKeysAsync("Enter");
        await terminal.WaitForScreenAsync(screen => Lines(screen).Contains("42"), Deadline, "42 on the screen");

        await terminal.ResizeAsync(120, 40);
        await terminal.TypeAsync("stty size");
        await terminal.SendKeysAsync("Enter");
        await terminal.WaitForScreenAsync(screen => Lines(screen).Contains("40 120"), Deadline, "stty size to follow the pane");

        // A duration nothing else on the machine sleeps, so the wait below sees this shell's sleep.
        string duration = $"100.{Random.Shared.Next(100_000, 999_999)}";
        await terminal.TypeAsync($"sleep {duration}; echo slept-$?");
        await terminal.SendKeysAsync("Enter");
        await Eventually.WaitAsync(() => RunningCommands.Any("sleep", duration), Deadline, "sleep 100 to run in the workspace");
        await terminal.SendKeysAsync("C-c");
        await terminal.TypeAsync("echo after-$((1+1))");
        await terminal.SendKeysAsync("Enter");
        string screen = await terminal.WaitForScreenAsync(s => Lines(s).Contains("after-2"), Deadline, "the shell to answer after Ctrl-C");
        Assert.DoesNotContain("slept-0", screen, StringComparison.Ordinal);
        Assert.False(RunningCommands.Any("sleep", duration), "Ctrl-C left the sleep running");

        await terminal.TypeAsync("exit 3");
        await terminal.SendKeysAsync("Enter");
        await terminal.WaitForScreenAsync(s => s.Contains("[exited 3]", StringComparison.Ordinal), Deadline, "coder ssh to exit with the shell's code");
    }

    /// <summary>Starts <c>coder ssh dev</c> in a fresh tmux pane as alice and waits for the remote prompt.</summary>
    internal static async Task<TmuxSession> OpenShellAsync(ConnectFixture fixture)
    {
        Assert.True(TmuxSession.Available, "tmux is not installed (.ci/run installs it with apt)");
        var terminal = new TmuxSession();
        await terminal.StartAsync(["dotnet", BuildOutputs.CliDll, "ssh", ConnectFixture.Workspace],
            new Dictionary<string, string> { ["HOME"] = fixture.Alice.Home });
        await terminal.WaitForScreenAsync(screen => screen.TrimEnd().EndsWith('$') || screen.TrimEnd().EndsWith('#'), Deadline, "the remote shell's prompt");
        return terminal;
    }

    internal static string[] Lines(string screen) => screen.Split('\n').Select(line => line.TrimEnd()).ToArray();
}
