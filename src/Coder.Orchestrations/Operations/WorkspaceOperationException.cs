namespace Coder.Orchestrations.Operations;

/// <summary>An operation that cannot succeed, with a machine-readable reason for the timeline.</summary>
public sealed class WorkspaceOperationException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;
}
