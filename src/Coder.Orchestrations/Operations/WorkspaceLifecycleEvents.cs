using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Messaging;
using Coder.Contracts.Operations;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Events;

namespace Coder.Orchestrations.Operations;

/// <summary>Which lifecycle CloudEvent a finished operation publishes, and the event itself.</summary>
public static class WorkspaceLifecycleEvents
{
    public static string SourceOf(string workspaceId) => $"/coder/workspaces/{workspaceId}";

    /// <summary>The event type for a finished operation, or null when the outcome is not a lifecycle change.</summary>
    public static string? TypeFor(OperationKind kind, bool succeeded, WorkspaceStatus status)
    {
        if (!succeeded) return CoderEventTypes.WorkspaceFailed;
        return kind switch
        {
            OperationKind.Delete => CoderEventTypes.WorkspaceDeleted,
            OperationKind.Stop => CoderEventTypes.WorkspaceStopped,
            OperationKind.Scale => CoderEventTypes.WorkspaceScaled,
            OperationKind.Upgrade => CoderEventTypes.WorkspaceUpgraded,
            OperationKind.Snapshot => CoderEventTypes.WorkspaceSnapshotCompleted,
            _ when status == WorkspaceStatus.Running => CoderEventTypes.WorkspaceRunning,
            _ when status == WorkspaceStatus.Stopped => CoderEventTypes.WorkspaceStopped,
            _ => null,
        };
    }

    /// <summary>
    /// The id is derived from the operation and the type, so a retried activity republishes the same event (subscribers
    /// deduplicate by id) and two different events never share one.
    /// </summary>
    public static string IdFor(string operationId, string type)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{operationId}\n{type}"), hash);
        return new Guid(hash[..16]).ToString();
    }

    public static CloudEvent? For(CompleteOperationInput input)
    {
        var op = input.Operation;
        string? type = TypeFor(op.Kind, input.Succeeded, input.Status);
        if (type is null) return null;
        var data = new WorkspaceLifecycleEventData(op.WorkspaceId, op.Owner, op.OperationId, WireNames.Of(op.Kind), WireNames.Of(input.Status), input.Succeeded, input.Message, input.Reason, input.Error);
        return new CloudEvent(SourceOf(op.WorkspaceId), type, BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(data, ServerJson.Options)), "application/json", CloudEventDataFormat.Json)
        {
            Id = IdFor(op.OperationId, type),
            Time = input.At,
            Subject = op.OperationId,
        };
    }
}
