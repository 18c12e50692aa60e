namespace Coder.Orchestrations.Connect;

/// <summary>What a token lets its holder do on its path: listen (the agent) or connect (a user's session).</summary>
public enum RelayRight
{
    Listen,
    Send,
}
