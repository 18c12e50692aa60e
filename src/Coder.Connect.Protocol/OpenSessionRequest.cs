namespace Coder.Connect.Protocol;

/// <summary>The payload of an <c>open</c> frame.</summary>
/// <param name="Kind"><c>pty</c>, <c>exec</c> or <c>tcp</c>.</param>
/// <param name="Command">For exec, the program and its arguments; for pty, the shell (default: the user's shell).</param>
/// <param name="Port">For tcp, the port on 127.0.0.1 inside the workspace.</param>
/// <param name="Cols">For pty, the initial terminal width.</param>
/// <param name="Rows">For pty, the initial terminal height.</param>
public sealed record OpenSessionRequest(string Kind, IReadOnlyList<string>? Command = null, int? Port = null, ushort? Cols = null, ushort? Rows = null);
