using System.Text.Json;
using Coder.Contracts.Agents;
using Coder.Contracts.Operations;

namespace Coder.Contracts.Workspaces;

/// <summary>GET /api/workspaces/{id}.</summary>
public sealed record WorkspaceResponse
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Owner { get; init; }
    public required string Template { get; init; }
    public required int TemplateVersion { get; init; }
    public required bool Outdated { get; init; }
    public required WorkspaceStatus Status { get; init; }
    public required WorkspaceSize Size { get; init; }
    public required int Replicas { get; init; }

    /// <summary>
    /// Extension: how the workspace's code is kept from the host and other workspaces, where the platform decides it at
    /// run time (local: <c>sandbox</c>, or <c>none</c> with <see cref="IsolationReason"/>); absent elsewhere.
    /// </summary>
    public string? Isolation { get; init; }
    public string? IsolationReason { get; init; }
    public required WorkspaceAgentView Agent { get; init; }

    /// <summary>Extension: each agent of the live build (one per replica), with <c>connect</c> when it listens on the relay.</summary>
    public IReadOnlyList<WorkspaceReplicaAgentView>? Agents { get; init; }
    public OperationRef? Operation { get; init; }

    /// <summary>Extension: why the workspace is <c>failed</c>, when it is.</summary>
    public string? FailureReason { get; init; }
    public string? SourceSnapshot { get; init; }

    /// <summary>The workspace's parameter values (what its next build runs with), by name.</summary>
    public IReadOnlyDictionary<string, JsonElement>? Parameters { get; init; }

    /// <summary>Present when stored settings differ from what the running build has: they apply on its next start.</summary>
    public WorkspacePendingChanges? PendingChanges { get; init; }
    /// <summary>The workspace's own schedule, with the current deadline when one applies (absent: none set).</summary>
    public WorkspaceSchedule? Schedule { get; init; }

    /// <summary>The next scheduled start or stop and its reason; absent when nothing is scheduled.</summary>
    public WorkspaceNextTransition? NextTransition { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
}
