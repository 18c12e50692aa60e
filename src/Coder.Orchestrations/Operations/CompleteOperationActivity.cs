namespace Coder.Orchestrations.Operations;

/// <summary>The last step of every operation's orchestration: <see cref="OperationCompletion"/>. Idempotent.</summary>
public sealed class CompleteOperationActivity(OperationCompletion completion)
{
    public Task<bool> RunAsync(CompleteOperationInput input, CancellationToken cancellationToken) =>
        completion.CompleteAsync(input, cancellationToken);
}
