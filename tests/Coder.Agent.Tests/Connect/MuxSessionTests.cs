using System.Net;
using System.Net.Sockets;
using System.Text;
using Coder.Agent.Connect;
using Coder.Connect.Protocol;

namespace Coder.Agent.Tests.Connect;

/// <summary>The agent's side of a user connection with real processes, a real pseudo-terminal and real sockets.</summary>
public sealed class MuxSessionTests
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30); // generous: the machine may be loaded; passing runs take a few seconds

    [Fact]
    public async Task Exec_keeps_stdout_stderr_and_the_exit_code_apart_and_starts_in_the_home()
    {
        await using var harness = new MuxHarness();
        await File.WriteAllTextAsync(Path.Combine(harness.Home, "marker.txt"), "from the startup script");

        var session = await harness.Client.OpenAsync(1, new OpenSessionRequest("exec", ["sh", "-c", "echo out; echo err 1>&2; cat marker.txt; exit 7"]));

        Assert.Equal(7, await session.ExitCode.Task.WaitAsync(Deadline));
        await session.Closed.Task.WaitAsync(Deadline);
        Assert.Equal("out\nfrom the startup script", session.Stdout);
        Assert.Equal("err\n", session.Stderr);
        await Eventually.WaitAsync(() => harness.Tracker.Snapshot().Active == 0, Deadline, "the closed session to leave the tracker");
    }

    [Fact]
    public async Task Exec_reads_stdin_until_the_client_closes_it_and_counts_as_an_open_session_meanwhile()
    {
        await using var harness = new MuxHarness();

        var session = await harness.Client.OpenAsync(1, new OpenSessionRequest("exec", ["sh", "-c", "tr a-z A-Z"]));
        await harness.Client.TypeAsync(1, "hello ");
        await Eventually.WaitAsync(() => harness.Tracker.Snapshot().Active == 1, Deadline, "the exec session in the tracker");
        await harness.Client.TypeAsync(1, "world");
        await harness.Client.SendAsync(MuxFrame.Close(1));

        Assert.Equal(0, await session.ExitCode.Task.WaitAsync(Deadline));
        Assert.Equal("HELLO WORLD", session.Stdout);
        await Eventually.WaitAsync(() => harness.Tracker.Snapshot().Active == 0, Deadline, "the session to leave the tracker");
    }

    [Fact]
    public async Task Pty_runs_an_interactive_shell_that_follows_resizes_and_is_interrupted_by_ctrl_c()
    {
        await using var harness = new MuxHarness();
        // Without the machine's rc files: this machine's root .bashrc runs pyenv init, which stalls for minutes under load.
        var session = await harness.Client.OpenAsync(1, new OpenSessionRequest("pty", ["/bin/bash", "--norc", "--noprofile", "-i"], Cols: 80, Rows: 24));
        // A user types at the prompt; input typed before the shell sets up its line editor may be lost, as in any terminal.
        await Eventually.WaitAsync(() => Task.FromResult(session.Error.Task.IsCompleted ? $"error: {session.Error.Task.Result}" : session.Stdout),
            shown => shown.TrimEnd().EndsWith('#') || shown.TrimEnd().EndsWith('$'), Deadline,
            "the shell's prompt");

        await harness.Client.TypeAsync(1, "echo $((6*7))\r");
        await Eventually.WaitAsync(() => Task.FromResult(session.Stdout), shown => shown.Contains("42\r\n", StringComparison.Ordinal), Deadline, "42 on the terminal");

        await harness.Client.SendAsync(MuxFrame.Resize(1, 132, 43));
        await harness.Client.TypeAsync(1, "stty size; pwd\r");
        await Eventually.WaitAsync(() => Task.FromResult(session.Stdout), shown => shown.Contains("43 132\r\n", StringComparison.Ordinal), Deadline,
            "stty size to follow the resize");
        Assert.Contains(harness.Home + "\r\n", session.Stdout, StringComparison.Ordinal);

        // A duration no other process on the machine sleeps, so the wait below sees this shell's sleep.
        string duration = $"100.{Random.Shared.Next(100_000, 999_999)}";
        await harness.Client.TypeAsync(1, $"sleep {duration}; echo slept $?\r");
        await Eventually.WaitAsync(() => SleepRuns(), Deadline, "sleep 100 to start");
        // Ctrl-C, then the shell's next prompt. A Ctrl-C that lands while the shell is still handing the terminal to its
        // job reaches the shell, not sleep, and a terminal may drop what is typed along with an interrupt; so, as a user
        // would, a key that got no answer within two seconds is pressed again. sleep 100 outlasts the deadline: only
        // Ctrl-C ends it, so the prompt coming back proves the interrupt.
        int interruptedAt = session.Stdout.Length;
        await PressUntilAsync("\u0003", shown => shown.Contains("^C", StringComparison.Ordinal) && (shown.TrimEnd().EndsWith('#') || shown.TrimEnd().EndsWith('$')),
            "the prompt after Ctrl-C");
        // Ctrl-U first, so a retyped line replaces a partly dropped one.
        await PressUntilAsync("\u0015echo after-$((1+1))\r", shown => shown.Contains("after-2", StringComparison.Ordinal), "the shell to answer after Ctrl-C");
        Assert.DoesNotContain("slept 0", session.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, harness.Tracker.Snapshot().Active);

        await harness.Client.TypeAsync(1, "exit 3\r");
        Assert.Equal(3, await session.ExitCode.Task.WaitAsync(Deadline));
        await Eventually.WaitAsync(() => harness.Tracker.Snapshot().Active == 0, Deadline, "the shell's session to leave the tracker");

        async Task PressUntilAsync(string keys, Func<string, bool> answered, string what)
        {
            var lastPressed = System.Diagnostics.Stopwatch.StartNew();
            await harness.Client.TypeAsync(1, keys);
            try
            {
                await WaitAnsweredAsync();
            }
            catch (TimeoutException timeout)
            {
                // What the kernel says about the sleep, for the day this fails: its signal masks and whose the terminal is.
                throw new TimeoutException($"{timeout.Message}\nsleep: {SleepState()}", timeout);
            }

            async Task WaitAnsweredAsync() => await Eventually.WaitAsync(async () =>
            {
                string shown = session.Stdout[interruptedAt..];
                if (!answered(shown) && lastPressed.Elapsed >= TimeSpan.FromSeconds(2))
                {
                    await harness.Client.TypeAsync(1, keys);
                    lastPressed.Restart();
                }

                return shown;
            }, answered, Deadline, what, interval: TimeSpan.FromMilliseconds(200));
        }

        string SleepState()
        {
            foreach (string dir in Directory.EnumerateDirectories("/proc"))
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(dir, "cmdline")) != $"sleep\0{duration}\0") continue;
                    string[] stat = File.ReadAllText(Path.Combine(dir, "stat")).Split(' ');
                    var masks = File.ReadAllLines(Path.Combine(dir, "status")).Where(line => line.StartsWith("Sig", StringComparison.Ordinal));
                    return $"pid {Path.GetFileName(dir)} pgrp {stat[4]} session {stat[5]} tty {stat[6]} tpgid {stat[7]}; {string.Join("; ", masks)}";
                }
                catch (IOException)
                {
                    // Gone meanwhile.
                }
            }

            return "not running";
        }

        bool SleepRuns() => Directory.EnumerateDirectories("/proc").Any(dir =>
        {
            try
            {
                return File.ReadAllText(Path.Combine(dir, "cmdline")) == $"sleep\0{duration}\0";
            }
            catch (IOException)
            {
                return false;
            }
        });
    }

    [Fact]
    public async Task Tcp_forwards_twenty_parallel_sessions_to_a_loopback_port()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var echoStop = new CancellationTokenSource();
        var echo = EchoAsync(listener, echoStop.Token);
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var harness = new MuxHarness();

        var sessions = await Task.WhenAll(Enumerable.Range(1, 20).Select(async i =>
        {
            var session = await harness.Client.OpenAsync((uint)i, new OpenSessionRequest("tcp", Port: port));
            await harness.Client.TypeAsync((uint)i, $"request {i}\n");
            await harness.Client.SendAsync(MuxFrame.Close((uint)i));
            await session.Closed.Task.WaitAsync(Deadline);
            return session;
        }));

        Assert.All(sessions, s => Assert.Equal($"echo: request {s.Id}\n", s.Stdout));
        await Eventually.WaitAsync(() => harness.Tracker.Snapshot().Active == 0, Deadline, "the forwards to leave the tracker");
        await echoStop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => echo);
    }

    [Fact]
    public async Task Tcp_to_a_closed_port_is_an_error_frame()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var harness = new MuxHarness();

        var session = await harness.Client.OpenAsync(1, new OpenSessionRequest("tcp", Port: port));

        Assert.Contains($"127.0.0.1:{port}", await session.Error.Task.WaitAsync(Deadline), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_session_over_the_cap_is_refused_and_the_others_go_on()
    {
        await using var harness = new MuxHarness(maxSessions: 2);
        var first = await harness.Client.OpenAsync(1, new OpenSessionRequest("exec", ["cat"]));
        var second = await harness.Client.OpenAsync(2, new OpenSessionRequest("exec", ["cat"]));

        var third = await harness.Client.OpenAsync(3, new OpenSessionRequest("exec", ["cat"]));

        Assert.Equal("session limit reached: at most 2 concurrent sessions per connection", await third.Error.Task.WaitAsync(Deadline));
        await Eventually.WaitAsync(() => harness.Tracker.Snapshot().Active == 2, Deadline, "two open sessions in the tracker");
        await harness.Client.TypeAsync(2, "still here");
        await harness.Client.SendAsync(MuxFrame.Close(2));
        Assert.Equal(0, await second.ExitCode.Task.WaitAsync(Deadline));
        Assert.Equal("still here", second.Stdout);
        Assert.False(first.ExitCode.Task.IsCompleted);

        var fourth = await harness.Client.OpenAsync(4, new OpenSessionRequest("exec", ["echo", "room again"]));
        Assert.Equal(0, await fourth.ExitCode.Task.WaitAsync(Deadline));
        Assert.Equal("room again\n", fourth.Stdout);
    }

    [Fact]
    public async Task A_session_whose_reader_stalls_stops_at_its_window_and_the_others_go_on()
    {
        await using var harness = new MuxHarness();
        var stalled = harness.Client.Session(1);
        stalled.Withhold();
        // Well over the window (1 MiB), so only the window can stop it.
        await harness.Client.OpenAsync(1, new OpenSessionRequest("exec", ["sh", "-c", "head -c 3000000 /dev/zero | tr '\\0' x"]));
        await Eventually.WaitAsync(() => stalled.StdoutLength == MuxFrameCodec.InitialWindow, Deadline, "the stalled session to fill its window");

        var other = await harness.Client.OpenAsync(2, new OpenSessionRequest("exec", ["echo", "not blocked"]));

        Assert.Equal(0, await other.ExitCode.Task.WaitAsync(Deadline));
        Assert.Equal("not blocked\n", other.Stdout);
        Assert.Equal(MuxFrameCodec.InitialWindow, stalled.StdoutLength);
        Assert.False(stalled.ExitCode.Task.IsCompleted);

        await harness.Client.ReleaseAsync(1);

        Assert.Equal(0, await stalled.ExitCode.Task.WaitAsync(Deadline));
        Assert.Equal(new string('x', 3_000_000), stalled.Stdout);
    }

    [Fact]
    public async Task The_agent_grants_its_whole_receive_window_as_a_session_opens_and_holds_that_much_unread_input()
    {
        await using var harness = new MuxHarness();
        var stuck = await harness.Client.OpenAsync(1, new OpenSessionRequest("exec", ["sleep", "100"]));
        await Eventually.WaitAsync(() => stuck.Grants == MuxFrameCodec.OpeningGrant, Deadline, "the agent's grant at open");

        // Nearly the whole receive window to a process that never reads (its pipe holds 64 KiB), without waiting for grants.
        byte[] chunk = new byte[MuxFrameCodec.MaxDataChunk];
        for (int sent = chunk.Length; sent < MuxFrameCodec.ReceiveWindow; sent += chunk.Length)
            await harness.Client.SendAsync(MuxFrame.Data(1, MuxChannel.Stdin, chunk));

        // The agent reads frames in order: once a session opened after them has run, an error for them would be here.
        var after = await harness.Client.OpenAsync(2, new OpenSessionRequest("exec", ["echo", "after"]));
        Assert.Equal(0, await after.ExitCode.Task.WaitAsync(Deadline));
        Assert.False(stuck.Error.Task.IsCompleted);
        Assert.False(stuck.ExitCode.Task.IsCompleted);
    }

    [Fact]
    public async Task A_client_that_sends_past_its_window_loses_the_session()
    {
        await using var harness = new MuxHarness();
        var session = await harness.Client.OpenAsync(1, new OpenSessionRequest("exec", ["sleep", "100"]));
        byte[] chunk = new byte[MuxFrameCodec.MaxDataChunk];

        // More than the window (with the agent's grant at open) plus what the pipe to a process that never reads can hold.
        for (int sent = 0; sent <= 2 * MuxFrameCodec.ReceiveWindow; sent += chunk.Length)
            await harness.Client.SendAsync(MuxFrame.Data(1, MuxChannel.Stdin, chunk));

        Assert.Contains("without a window", await session.Error.Task.WaitAsync(Deadline), StringComparison.Ordinal);
        await Eventually.WaitAsync(() => harness.Tracker.Snapshot().Active == 0, Deadline, "the broken session to end");
    }

    [Fact]
    public async Task Bad_open_frames_name_the_field_at_fault()
    {
        await using var harness = new MuxHarness();

        var kind = await harness.Client.OpenAsync(1, new OpenSessionRequest("telnet"));
        var command = await harness.Client.OpenAsync(2, new OpenSessionRequest("exec"));
        var port = await harness.Client.OpenAsync(3, new OpenSessionRequest("tcp", Port: 70000));

        Assert.StartsWith("kind:", await kind.Error.Task.WaitAsync(Deadline), StringComparison.Ordinal);
        Assert.StartsWith("command:", await command.Error.Task.WaitAsync(Deadline), StringComparison.Ordinal);
        Assert.StartsWith("port:", await port.Error.Task.WaitAsync(Deadline), StringComparison.Ordinal);
        Assert.Equal(0, harness.Tracker.Snapshot().Active);
    }

    [Fact]
    public async Task A_dropped_connection_ends_its_sessions_and_their_processes()
    {
        var harness = new MuxHarness();
        string marker = $"coder-connect-{Guid.NewGuid():n}";
        await harness.Client.OpenAsync(1, new OpenSessionRequest("exec", ["sh", "-c", $"sleep 100; : {marker}"]));
        await harness.Client.OpenAsync(2, new OpenSessionRequest("pty", ["/bin/sh", "-i"]));
        await Eventually.WaitAsync(() => harness.Tracker.Snapshot().Active == 2, Deadline, "both sessions open");

        await harness.DisposeAsync();

        Assert.Equal(0, harness.Tracker.Snapshot().Active);
        Assert.DoesNotContain(Directory.EnumerateDirectories("/proc"), dir =>
        {
            try
            {
                return File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(marker, StringComparison.Ordinal);
            }
            catch (IOException)
            {
                return false;
            }
        });
    }

    static async Task EchoAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (true)
        {
            var client = await listener.AcceptTcpClientAsync(cancellationToken);
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    var stream = client.GetStream();
                    using var reader = new StreamReader(stream, Encoding.UTF8);
                    string? line = await reader.ReadLineAsync(cancellationToken);
                    await stream.WriteAsync(Encoding.UTF8.GetBytes($"echo: {line}\n"), cancellationToken);
                    client.Client.Shutdown(SocketShutdown.Send);
                }
            }, cancellationToken);
        }
    }
}
