namespace Coder.Connect.Protocol;

/// <summary>The agent ended a session with an <c>error</c> frame (refused open, failed start), or the connection under it was lost.</summary>
public sealed class MuxSessionException(string message, bool connectionLost = false) : Exception(message)
{
    /// <summary>The relay connection ended under the session (as opposed to the agent refusing or failing it).</summary>
    public bool ConnectionLost { get; } = connectionLost;
}
