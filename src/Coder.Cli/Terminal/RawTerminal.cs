using System.Runtime.InteropServices;

namespace Coder.Cli.Terminal;

/// <summary>
/// The local terminal in raw mode for an interactive session (no echo, no line editing, ^C a plain byte for the remote),
/// restored on dispose and on every way out of the process: exit, SIGTERM, SIGHUP, an unhandled exception.
/// </summary>
public sealed class RawTerminal : IDisposable
{
    readonly byte[] _saved = new byte[TerminalNative.TermiosBufferSize];
    readonly List<PosixSignalRegistration> _signals = [];
    int _restored;

    RawTerminal()
    {
        AppDomain.CurrentDomain.ProcessExit += OnExit;
        AppDomain.CurrentDomain.UnhandledException += OnExit;
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT })
            _signals.Add(PosixSignalRegistration.Create(signal, _ => Restore()));
    }

    /// <summary>stdin is a terminal (else the session runs without raw mode, as from a pipe).</summary>
    public static bool StdinIsTerminal => !OperatingSystem.IsWindows() && TerminalNative.IsATty(TerminalNative.StdinFd) == 1;

    /// <summary>The size of the terminal on stdout (or stdin); null when neither is a terminal.</summary>
    public static (ushort Cols, ushort Rows)? Size =>
        OperatingSystem.IsWindows() ? null : TerminalNative.TryGetSize(TerminalNative.StdoutFd) ?? TerminalNative.TryGetSize(TerminalNative.StdinFd);

    /// <returns>The terminal in raw mode, or null when stdin is no terminal.</returns>
    public static RawTerminal? Enter()
    {
        if (!StdinIsTerminal) return null;
        var terminal = new RawTerminal();
        if (!TerminalNative.TryGetAttributes(TerminalNative.StdinFd, terminal._saved))
        {
            terminal.Dispose();
            return null;
        }

        byte[] raw = (byte[])terminal._saved.Clone();
        TerminalNative.MakeRaw(raw);
        TerminalNative.TrySetAttributes(TerminalNative.StdinFd, raw);
        return terminal;
    }

    void OnExit(object? sender, EventArgs e) => Restore();

    void Restore()
    {
        if (Interlocked.Exchange(ref _restored, 1) == 0) TerminalNative.TrySetAttributes(TerminalNative.StdinFd, _saved);
    }

    public void Dispose()
    {
        Restore();
        AppDomain.CurrentDomain.ProcessExit -= OnExit;
        AppDomain.CurrentDomain.UnhandledException -= OnExit;
        foreach (var signal in _signals) signal.Dispose();
    }
}
