namespace Coder.Contracts.Agents;

/// <summary>
/// In the manifest while an operation (a scale) is about to change the workspace's compute: the agent should prepare and
/// answer with a <c>drain</c> event carrying <paramref name="Id"/>. Tools in the workspace see it through the session socket.
/// </summary>
public sealed record AgentDrainHint(string Id, string Reason);
