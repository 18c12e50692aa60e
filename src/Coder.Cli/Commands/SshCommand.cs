using System.CommandLine;
using System.Runtime.InteropServices;
using Coder.Cli.Connect;
using Coder.Cli.Terminal;
using Coder.Connect.Protocol;
using Microsoft.Win32.SafeHandles;
using Spectre.Console;

namespace Coder.Cli.Commands;

/// <summary>
/// <c>coder ssh &lt;ws&gt; [-- command...]</c> and <c>coder ssh --stdio &lt;ws&gt;</c>: a shell in a remote pseudo-terminal, a
/// command with its own stdout, stderr and exit code, or a raw byte stream to the workspace's sshd for OpenSSH's ProxyCommand.
/// </summary>
public static class SshCommand
{
    const byte SigInt = 2;
    static readonly byte[] EndOfTransmission = [0x04];

    public static Command Build(CliContext context)
    {
        var workspace = ConnectOptions.Workspace();
        var remoteCommand = new Argument<string[]>("command") { Arity = ArgumentArity.ZeroOrMore, Description = "After --: run this command (no terminal) instead of a shell" };
        var stdio = new Option<bool>("--stdio") { Description = "Pipe stdin and stdout to the workspace's sshd (for ssh's ProxyCommand; see config-ssh)" };
        var replica = ConnectOptions.Replica();
        var command = new Command("ssh", "Open a shell in a workspace, or run a command there (coder ssh dev -- make test), through the relay.")
        {
            workspace, remoteCommand, stdio, replica,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(stdio) && result.GetValue(remoteCommand) is { Length: > 0 }) result.AddError("--stdio takes no command.");
        });
        context.ExitingAction(command, async (parse, client, ct) =>
        {
            string name = parse.GetValue(workspace)!;
            var connector = await ConnectOptions.ConnectorAsync(context, client, name, parse.GetValue(replica), ct);
            await using var connection = await connector.ConnectAsync(ct);
            try
            {
                if (parse.GetValue(stdio)) return await StdioAsync(connection, ct);
                if (parse.GetValue(remoteCommand) is { Length: > 0 } argv) return await ExecAsync(connection, argv, ct);
                return await ShellAsync(connection, ct);
            }
            catch (MuxSessionException e)
            {
                string what = e.ConnectionLost ? $"connection to {name} lost" : name;
                context.Console.Error.MarkupLine($"[red]error:[/] {Markup.Escape(what)}: {Markup.Escape(e.Message)}");
                return ConnectExitCodes.ConnectionFailed;
            }
            catch (IOException e)
            {
                // The relay broke under a write, or the local stdout went away (a closed pipe): one line, as OpenSSH.
                context.Console.Error.MarkupLine($"[red]error:[/] {Markup.Escape(name)}: {Markup.Escape(e.Message)}");
                return ConnectExitCodes.ConnectionFailed;
            }
        });
        return command;
    }

    /// <summary>For ProxyCommand: stdout carries sshd's bytes and nothing else.</summary>
    static async Task<int> StdioAsync(MuxClient connection, CancellationToken cancellationToken)
    {
        using var session = await connection.OpenAsync(new OpenSessionRequest("ssh"), cancellationToken);
        using var stdout = Console.OpenStandardOutput();
        PumpStdin(session);
        await session.CopyOutputAsync(stdout, stdout, CancellationToken.None);
        return session.ExitCode.IsCompletedSuccessfully ? session.ExitCode.Result : 0;
    }

    static async Task<int> ExecAsync(MuxClient connection, string[] argv, CancellationToken cancellationToken)
    {
        using var session = await connection.OpenAsync(new OpenSessionRequest("exec", argv), cancellationToken);
        using var stdout = Console.OpenStandardOutput();
        using var stderr = Console.OpenStandardError();
        // Ctrl-C interrupts the remote command, as it would a local one; its exit code then says how it ended.
        using var interrupt = cancellationToken.Register(() => _ = session.SignalAsync(SigInt, CancellationToken.None).AsTask());
        PumpStdin(session);
        await session.CopyOutputAsync(stdout, stderr, CancellationToken.None);
        return await session.ExitCode;
    }

    static async Task<int> ShellAsync(MuxClient connection, CancellationToken cancellationToken)
    {
        var (cols, rows) = RawTerminal.Size ?? ((ushort)80, (ushort)24);
        using var session = await connection.OpenAsync(new OpenSessionRequest("pty", Cols: cols, Rows: rows), cancellationToken);
        using var terminal = RawTerminal.Enter();
        using var resized = OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create(PosixSignal.SIGWINCH, signal =>
        {
            if (RawTerminal.Size is var (c, r)) _ = session.ResizeAsync(c, r, CancellationToken.None).AsTask();
        });
        using var stdout = Console.OpenStandardOutput();
        PumpStdin(session, endOfInput: EndOfTransmission);
        await session.CopyOutputAsync(stdout, stdout, CancellationToken.None);
        return await session.ExitCode;
    }

    /// <summary>
    /// stdin to the session until its end. Read from descriptor 0 itself: .NET's console stream edits lines on a terminal,
    /// which raw mode must not have. The read may outlive the session (a terminal read blocks); the process ends anyway.
    /// </summary>
    /// <param name="endOfInput">
    /// What stdin's end becomes: null, the session's <c>close</c> (EOF); for a pty, ^D typed (a close would hang up the
    /// terminal before the shell read what came before it, while ^D ends a shell at its prompt, as typed at a terminal).
    /// </param>
    static void PumpStdin(MuxClientSession session, byte[]? endOfInput = null)
    {
        // A thread of its own, in the background: a read of stdin blocks until input comes (a terminal's may never), and
        // such a read must neither hold a pool thread nor keep the process from ending once the session has.
        var reader = new Thread(() => CopyStdin(session, endOfInput)) { IsBackground = true, Name = "stdin" };
        reader.Start();
    }

    static void CopyStdin(MuxClientSession session, byte[]? endOfInput)
    {
        try
        {
            using var stdin = new FileStream(new SafeFileHandle(0, ownsHandle: false), FileAccess.Read, bufferSize: 0);
            byte[] buffer = new byte[MuxFrameCodec.MaxDataChunk];
            int read;
            while ((read = stdin.Read(buffer)) > 0) session.WriteAsync(buffer.AsMemory(0, read), CancellationToken.None).AsTask().GetAwaiter().GetResult();
            if (endOfInput is null) session.CloseInputAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
            else session.WriteAsync(endOfInput, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or MuxSessionException or ObjectDisposedException or UnauthorizedAccessException)
        {
            // stdin is closed or unreadable, or the session is over; the output side decides how the command ends.
        }
    }
}
