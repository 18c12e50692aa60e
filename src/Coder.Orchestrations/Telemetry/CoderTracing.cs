using System.Diagnostics;
using Coder.Contracts.Operations;
using Coder.Orchestrations.Common;

namespace Coder.Orchestrations.Telemetry;

/// <summary>
/// The control plane's spans. Orchestrators replay, so an operation's span is emitted once, by the activity that ends the
/// operation, with the operation's real start and end times.
/// </summary>
public static class CoderTracing
{
    public const string SourceName = "Coder.ControlPlane";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Emits <c>workspace.{kind}</c> (e.g. <c>workspace.provision</c>) spanning the whole operation.</summary>
    public static void RecordOperation(OperationKind kind, string workspaceId, string operationId, DateTimeOffset startedAt, DateTimeOffset endedAt, bool succeeded, string? error)
    {
        using var span = Source.StartActivity(
            $"workspace.{WireNames.Of(kind)}",
            ActivityKind.Internal,
            parentContext: default,
            tags: [new("coder.workspace.id", workspaceId), new("coder.operation.id", operationId), new("coder.operation.kind", WireNames.Of(kind))],
            startTime: startedAt);
        if (span is null) return;
        span.SetStatus(succeeded ? ActivityStatusCode.Ok : ActivityStatusCode.Error, succeeded ? null : error);
        span.SetEndTime(endedAt.UtcDateTime);
    }
}
