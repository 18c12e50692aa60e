using Coder.Contracts.Operations;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.State;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Coder.Orchestrations.Operations;

/// <summary>
/// Ends an operation whose orchestration stopped making progress: the orchestration is terminated, what it started is
/// undone the way the orchestrators undo it (a failed provision leaves nothing behind, anything else is stopped), and the
/// operation completes as failed through <see cref="OperationCompletion"/>, like any other.
/// </summary>
public sealed partial class HungOperations(ProvisionerRegistry provisioners, OperationCompletion completion, TimeProvider time, ILogger<HungOperations> logger)
{
    /// <summary>Fails the operation that holds <paramref name="workspace"/> as read; <paramref name="message"/> is its error.</summary>
    public Task FailAsync(WorkspaceEntity workspace, string actor, string reason, string message, DurableTaskClient client, CancellationToken cancellationToken) =>
        EndAsync(workspace, actor, reason, message, canceled: false, client, cancellationToken);

    /// <summary>
    /// Ends the operation that holds <paramref name="workspace"/> because <paramref name="actor"/> canceled it, undoing what it
    /// started the same way; the workspace is left failed with <paramref name="message"/>, which a start or a delete takes up.
    /// </summary>
    public Task CancelAsync(WorkspaceEntity workspace, string actor, string message, DurableTaskClient client, CancellationToken cancellationToken) =>
        EndAsync(workspace, actor, OperationCancellation.Reason, message, canceled: true, client, cancellationToken);

    async Task EndAsync(WorkspaceEntity workspace, string actor, string reason, string message, bool canceled, DurableTaskClient client, CancellationToken cancellationToken)
    {
        string operationId = workspace.OperationId ?? throw new ArgumentException("The workspace holds no operation.", nameof(workspace));
        try
        {
            await client.TerminateInstanceAsync(operationId, (object)message, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not found or already finished: either way nothing of it runs any more.
            LogTerminateFailed(logger, operationId, e);
        }

        var kind = WireNames.TryParse<OperationKind>(workspace.OperationKind, out var k) ? k : OperationKind.Start;
        var target = workspace.ComputeRef();
        var provisioner = provisioners.Get(workspace.Provisioner);
        if (kind == OperationKind.Provision) await provisioner.DestroyAsync(target, cancellationToken);
        else await provisioner.StopAsync(target, cancellationToken);

        var op = new WorkspaceOperationInput(workspace.RowKey, workspace.PartitionKey, operationId, kind, actor, reason);
        await completion.CompleteAsync(new CompleteOperationInput(op, time.GetUtcNow(), false, WorkspaceStatus.Failed, message, message, reason) { Canceled = canceled }, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Terminating hung orchestration {OperationId} did not succeed (it may be gone already)")]
    static partial void LogTerminateFailed(ILogger logger, string operationId, Exception exception);
}
