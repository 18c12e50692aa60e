using Azure.Messaging.EventGrid.SystemEvents;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Provisioning;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Coder.Orchestrations.Events;

/// <summary>
/// Handles a parsed delivery. Every event is checked first, so a batch with a malformed event changes nothing; then each
/// is handled in order. Unknown types are acknowledged and ignored. A refusal of one event (its template does not exist,
/// say) is reported in the receipt rather than failing the batch, because Event Grid would redeliver the whole batch.
/// </summary>
public sealed partial class EventGridWebhookService(
    WorkspaceResourceLocator locator,
    IWorkspaceReconcileTrigger reconcile,
    TemplateUploadHandler uploads,
    WorkspaceRequestHandler requests,
    ILogger<EventGridWebhookService> logger)
{
    public async Task<WebhookReceipt> HandleAsync(InboundBatch batch, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var planned = new List<(InboundEvent Event, Func<CancellationToken, Task<(bool Handled, string Detail)>>? Handle, string Detail)>();
        for (int i = 0; i < batch.Events.Count; i++)
        {
            var e = batch.Events[i];
            string field = batch.Events.Count == 1 ? "data" : $"[{i}].data";
            switch (e.Type)
            {
                case CoderEventTypes.ResourceDeleteSuccess or CoderEventTypes.ResourceWriteSuccess:
                    string resourceId = ResourceIdOf(e) ?? throw CoderProblemException.Validation(field + ".resourceUri", "Required.");
                    string reason = e.Type == CoderEventTypes.ResourceDeleteSuccess ? "resource_deleted" : "resource_changed";
                    planned.Add((e, ct => ReconcileAsync(resourceId, reason, client, ct), ""));
                    break;
                case CoderEventTypes.BlobCreated:
                    if (uploads.BlobNameOf(e.Subject) is { } blobName) planned.Add((e, async ct => (true, await uploads.HandleAsync(blobName, ct)), ""));
                    else planned.Add((e, null, "Not a blob in the templates container."));
                    break;
                case CoderEventTypes.WorkspaceRequested:
                    var request = WorkspaceRequestHandler.Read(e.Data, field);
                    planned.Add((e, async ct => (true, await requests.HandleAsync(request, client, ct)), ""));
                    break;
                default:
                    planned.Add((e, null, "Event type not handled."));
                    break;
            }
        }

        var outcomes = new List<EventOutcome>(planned.Count);
        foreach (var (e, handle, detail) in planned)
        {
            if (handle is null)
            {
                outcomes.Add(new EventOutcome(e.Id, e.Type, "ignored", detail));
                continue;
            }

            try
            {
                var (handled, done) = await handle(cancellationToken);
                outcomes.Add(new EventOutcome(e.Id, e.Type, handled ? "handled" : "ignored", done));
            }
            catch (CoderProblemException p) when (p.Status < 500)
            {
                LogEventRejected(logger, e.Id, e.Type, p.Status, p.Detail ?? p.Title);
                outcomes.Add(new EventOutcome(e.Id, e.Type, "rejected", $"{p.Status}: {p.Detail ?? p.Title}"));
            }
        }

        return new WebhookReceipt(
            outcomes.Count,
            outcomes.Count(o => o.Result == "handled"),
            outcomes.Count(o => o.Result == "ignored"),
            outcomes.Count(o => o.Result == "rejected"),
            outcomes);
    }

    async Task<(bool, string)> ReconcileAsync(string resourceId, string reason, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var workspace = await locator.FindAsync(resourceId, cancellationToken);
        if (workspace is null) return (false, "Not a workspace resource.");
        var outcome = await reconcile.TriggerAsync(new WorkspaceRef(workspace.RowKey, workspace.PartitionKey), reason, client, cancellationToken);
        return (true, outcome.OperationId is null ? $"Workspace {workspace.RowKey}: {outcome.Detail}" : $"Workspace {workspace.RowKey}: {outcome.Detail} ({outcome.OperationId})");
    }

    static string? ResourceIdOf(InboundEvent e) => e.SystemData switch
    {
        ResourceDeleteSuccessEventData d when d.ResourceUri is { Length: > 0 } uri => uri,
        ResourceWriteSuccessEventData w when w.ResourceUri is { Length: > 0 } uri => uri,
        _ => e.Subject is { Length: > 0 } subject ? subject : null,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} ({EventType}) rejected with {Status}: {Detail}")]
    static partial void LogEventRejected(ILogger logger, string eventId, string eventType, int status, string detail);
}
