namespace Coder.Orchestrations.Operations;

/// <summary>The <c>agent-starting</c> step and the first check of the build it names, run as one activity.</summary>
public sealed record AgentStartingInput(OperationStepInput Step, string BuildId);
