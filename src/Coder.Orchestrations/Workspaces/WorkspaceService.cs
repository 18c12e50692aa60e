using Azure;
using Azure.Data.Tables;
using Coder.Contracts;
using Coder.Contracts.Operations;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Security;
using Coder.Orchestrations.Snapshots;
using Coder.Orchestrations.Snapshots.Orchestrators;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Templates;
using Coder.Orchestrations.Timeline;
using Coder.Orchestrations.Workspaces.Orchestrators;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Coder.Orchestrations.Workspaces;

/// <summary>
/// The workspace routes' logic. Validation happens before any write, so bad input changes nothing. Operations are
/// claimed on the workspace row with an ETag, so at most one runs per workspace; the loser of a race gets 409 naming
/// the winner, or 412 when it named the ETag it read (If-Match), which is then the claim's own condition.
/// </summary>
public sealed partial class WorkspaceService(
    WorkspaceStore store,
    WorkspaceAgentStore agents,
    TemplateStore templates,
    OperationStore operations,
    WorkspaceTimeline timeline,
    ProvisionerRegistry provisioners,
    SnapshotTable snapshots,
    TimeProvider time,
    ILogger<WorkspaceService> logger)
{
    public async Task<WorkspaceAccepted> CreateAsync(CallerIdentity caller, CreateWorkspaceRequest request, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (request.Name is null) errors.Add("name", "Required.");
        else if (!Names.ResourceName().IsMatch(request.Name)) errors.Add("name", Names.ResourceNameRule);
        if (request.Template is null) errors.Add("template", "Required.");
        else if (!Names.ResourceName().IsMatch(request.Template)) errors.Add("template", Names.ResourceNameRule);
        if (request.TemplateVersion is < 1) errors.Add("templateVersion", "A positive version number.");
        if (request.Replicas is < 1) errors.Add("replicas", "At least 1.");
        errors.ThrowIfAny();
        var source = request.FromSnapshot is null ? null : await snapshots.FindAsync(request.FromSnapshot, cancellationToken);
        if (request.FromSnapshot is not null && (source is null || !source.IsIn(Contracts.Snapshots.SnapshotStatus.Ready) || !caller.CanSee(source.Owner)))
            errors.Add("fromSnapshot", "No ready snapshot with this id was found.");
        errors.ThrowIfAny();

        int active = await templates.GetActiveVersionAsync(request.Template!, cancellationToken) ?? throw CoderProblemException.NotFound($"Template '{request.Template}'");
        int version = request.TemplateVersion ?? active;
        var template = await templates.GetVersionAsync(request.Template!, version, cancellationToken) ?? throw CoderProblemException.NotFound($"Version {version} of template '{request.Template}'");
        var spec = template.Spec;
        double cpu = request.Size?.Cpu ?? spec.Resources!.Cpu!.Value;
        int memory = request.Size?.MemoryMiB ?? spec.Resources!.MemoryMiB!.Value;
        int replicas = request.Replicas ?? 1;
        ValidateSize(cpu, memory, replicas, spec, errors);
        if (request.Size?.Enforced is not null) errors.Add("size.enforced", "Read-only.");
        if (source is not null && !provisioners.Get(spec.Provisioner!).Capabilities.Snapshots) errors.Add("fromSnapshot", $"The {spec.Provisioner} provisioner cannot restore snapshots.");
        errors.ThrowIfAny();
        provisioners.Get(spec.Provisioner!);

        var now = time.GetUtcNow();
        string id = Ids.NewWorkspaceId();
        string operationId = Ids.OperationId(id, 1, WireNames.Of(OperationKind.Provision));
        var workspace = new WorkspaceEntity
        {
            PartitionKey = caller.User,
            RowKey = id,
            Name = request.Name!,
            Template = request.Template!,
            TemplateVersion = version,
            Provisioner = spec.Provisioner!,
            Cpu = cpu,
            MemoryMiB = memory,
            Replicas = replicas,
            DesiredState = DesiredStates.Running,
            Status = WireNames.Of(WorkspaceStatus.Pending),
            OperationId = operationId,
            OperationKind = WireNames.Of(OperationKind.Provision),
            OperationGeneration = 1,
            OperationStartedAt = now,
            CreatedAt = now,
            UpdatedAt = now,
            CreatedBy = caller.Actor,
            SourceSnapshot = source?.RowKey,
            HeadSnapshot = source?.RowKey,
        };
        // A taken name is a 409 from the create transaction itself (which undoes its index row), so nothing is left behind.
        await store.CreateAsync(workspace, cancellationToken);

        // Timeline keys are ordered by time, so the "created" entry and the operation's start can be written side by side.
        await Task.WhenAll(
            timeline.AppendAsync(id, new TimelineEntry(now, "created", "workspace.created", $"Workspace '{workspace.Name}' created from template {workspace.Template} v{version}.", "user_request", caller.Actor), cancellationToken),
            StartOperationAsync(workspace, OperationKind.Provision, operationId, caller.Actor, "user_request", client, cancellationToken,
                orchestrator: source is null ? null : nameof(BranchWorkspaceOrchestrator)));
        return new WorkspaceAccepted(id, workspace.Name, WorkspaceStatus.Pending, new OperationRef(operationId, OperationKind.Provision, OperationStatus.Pending, WorkspaceMapper.OperationUrl(operationId)));
    }

    public async Task<Versioned<WorkspaceResponse>> GetAsync(CallerIdentity caller, string workspaceId, CancellationToken cancellationToken)
    {
        // The workspace row and its agents row are two point reads side by side; the ETag is the workspace row's alone.
        var observed = agents.GetAsync(workspaceId, cancellationToken);
        var workspace = await FindVisibleAsync(caller, workspaceId, cancellationToken);
        var agent = AgentObservation.Of(workspace, await observed ?? WorkspaceAgentsEntity.FromLegacy(workspace));
        int? active = await templates.GetActiveVersionAsync(workspace.Template, cancellationToken);
        return new Versioned<WorkspaceResponse>(WorkspaceMapper.ToResponse(workspace, agent, active, caller), workspace.ETag.ToString());
    }

    public async Task<ItemsPage<WorkspaceResponse>> ListAsync(CallerIdentity caller, string? status, string? template, string? continuationToken, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (status is not null && !WireNames.TryParse<WorkspaceStatus>(status, out _)) errors.Add("status", "Unknown status.");
        if (template is not null && !Names.ResourceName().IsMatch(template)) errors.Add("template", Names.ResourceNameRule);
        if (continuationToken is { Length: > 2048 }) errors.Add("continuationToken", "Invalid.");
        errors.ThrowIfAny();

        var (items, next) = await store.ListPageAsync(caller.IsAdmin ? null : caller.User, continuationToken, 100, cancellationToken);
        var active = new Dictionary<string, int?>(StringComparer.Ordinal);
        var shown = items.Where(w => (status is null ? !w.IsIn(WorkspaceStatus.Deleted) : w.Status == status) && (template is null || w.Template == template)).ToList();
        var observed = await Task.WhenAll(shown.Select(w => agents.GetAsync(w.RowKey, cancellationToken)));
        var result = new List<WorkspaceResponse>();
        for (int i = 0; i < shown.Count; i++)
        {
            var w = shown[i];
            if (!active.TryGetValue(w.Template, out var version))
            {
                version = await templates.GetActiveVersionAsync(w.Template, cancellationToken);
                active[w.Template] = version;
            }

            result.Add(WorkspaceMapper.ToResponse(w, AgentObservation.Of(w, observed[i] ?? WorkspaceAgentsEntity.FromLegacy(w)), version, caller));
        }

        return new ItemsPage<WorkspaceResponse>(result, next);
    }

    public async Task<ItemsPage<WorkspaceEventView>> EventsAsync(CallerIdentity caller, string workspaceId, int? max, CancellationToken cancellationToken)
    {
        var workspace = await FindVisibleAsync(caller, workspaceId, cancellationToken);
        var items = await timeline.ListAsync(workspace.RowKey, Math.Clamp(max ?? 200, 1, 1000), null, cancellationToken);
        return new ItemsPage<WorkspaceEventView>(items);
    }

    /// <summary>Start, stop, restart or delete: claims the workspace for one operation and starts its orchestration.</summary>
    public async Task<OperationAccepted> RequestOperationAsync(CallerIdentity caller, string workspaceId, OperationKind kind, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var workspace = await FindVisibleAsync(caller, workspaceId, cancellationToken);
        string operationId = await ClaimAsync(workspace, kind, caller.Actor, cancellationToken);
        await StartOperationAsync(workspace, kind, operationId, caller.Actor, "user_request", client, cancellationToken);
        return new OperationAccepted(new OperationRef(operationId, kind, OperationStatus.Pending, WorkspaceMapper.OperationUrl(operationId)));
    }

    /// <summary>An operation the control plane starts itself (a reconcile trigger, automation): the same claim and schedule as a user's.</summary>
    public async Task<OperationAccepted> RequestSystemOperationAsync(string owner, string workspaceId, OperationKind kind, string actor, string reason, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var workspace = await store.GetAsync(owner, workspaceId, cancellationToken);
        if (workspace is null || workspace.IsIn(WorkspaceStatus.Deleted)) throw CoderProblemException.NotFound($"Workspace '{workspaceId}'");
        string operationId = await ClaimAsync(workspace, kind, actor, cancellationToken);
        await StartOperationAsync(workspace, kind, operationId, actor, reason, client, cancellationToken);
        return new OperationAccepted(new OperationRef(operationId, kind, OperationStatus.Pending, WorkspaceMapper.OperationUrl(operationId)));
    }

    /// <summary>PATCH: validates the new size against the template's limits, honours If-Match, and starts a scale operation.</summary>
    public async Task<OperationAccepted> ScaleAsync(CallerIdentity caller, string workspaceId, ScaleWorkspaceRequest request, string? ifMatch, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var workspace = await FindVisibleAsync(caller, workspaceId, cancellationToken);
        bool conditional = ifMatch is { Length: > 0 } && ifMatch != "*";
        if (conditional && ifMatch != workspace.ETag.ToString()) throw StaleETag();
        var errors = new ValidationErrors();
        if (request.Size is null && request.Replicas is null) errors.Add("body", "Give size, replicas, or both.");
        if (request.Size?.Enforced is not null) errors.Add("size.enforced", "Read-only.");
        if (request.Replicas is < 1) errors.Add("replicas", "At least 1.");
        errors.ThrowIfAny();
        var template = await templates.GetVersionAsync(workspace.Template, workspace.TemplateVersion, cancellationToken) ?? throw CoderProblemException.NotFound($"Template {workspace.Template} v{workspace.TemplateVersion}");
        var target = new ScaleTarget(request.Size?.Cpu ?? workspace.Cpu, request.Size?.MemoryMiB ?? workspace.MemoryMiB, request.Replicas ?? workspace.Replicas, workspace.Cpu, workspace.MemoryMiB, workspace.Replicas);
        ValidateSize(target.Cpu, target.MemoryMiB, target.Replicas, template.Spec, errors);
        errors.ThrowIfAny();
        if (!workspace.IsIn(WorkspaceStatus.Running, WorkspaceStatus.Failed))
            throw CoderProblemException.Conflict($"Only a running workspace can be scaled (it is {workspace.Status}).", workspace.OperationId);

        // With If-Match, the claim is written under the very ETag the client named: a change since is 412, not a retry.
        string operationId = (await ClaimAsync(workspace, OperationKind.Scale, caller.Actor, decide: null, unchangedSinceRead: conditional, cancellationToken))!;
        await StartOperationAsync(workspace, OperationKind.Scale, operationId, caller.Actor, "user_request", client, cancellationToken, target);
        return new OperationAccepted(new OperationRef(operationId, OperationKind.Scale, OperationStatus.Pending, WorkspaceMapper.OperationUrl(operationId)));
    }

    /// <summary>
    /// The autoscaler's way in: the same limit check, claim and scale orchestration as PATCH, with its own actor and reason.
    /// Throws 409 when another operation holds the workspace, 400 when the size breaks the template's limits.
    /// </summary>
    public async Task<string> StartScaleAsync(WorkspaceEntity workspace, ScaleTarget target, string actor, string reason, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var template = await templates.GetVersionAsync(workspace.Template, workspace.TemplateVersion, cancellationToken) ?? throw CoderProblemException.NotFound($"Template {workspace.Template} v{workspace.TemplateVersion}");
        var errors = new ValidationErrors();
        ValidateSize(target.Cpu, target.MemoryMiB, target.Replicas, template.Spec, errors);
        errors.ThrowIfAny();
        if (!workspace.IsIn(WorkspaceStatus.Running))
            throw CoderProblemException.Conflict($"Only a running workspace can be scaled (it is {workspace.Status}).", workspace.OperationId);
        string operationId = await ClaimAsync(workspace, OperationKind.Scale, actor, cancellationToken);
        await StartOperationAsync(workspace, OperationKind.Scale, operationId, actor, reason, client, cancellationToken, target);
        return operationId;
    }

    public async Task<OperationResponse> GetOperationAsync(CallerIdentity caller, string operationId, CancellationToken cancellationToken)
    {
        var op = await operations.GetAsync(operationId, cancellationToken);
        if (op is null || (op.Owner is { } owner && !caller.CanSee(owner)) || (op.Owner is null && !caller.IsAdmin))
            throw CoderProblemException.NotFound($"Operation '{operationId}'");
        return new OperationResponse
        {
            Id = op.PartitionKey,
            Kind = WireNames.Parse<OperationKind>(op.Kind),
            WorkspaceId = op.WorkspaceId,
            Status = WireNames.Parse<OperationStatus>(op.Status),
            Progress = op.Progress,
            Error = FailureMessages.For(caller, op.Error, op.FailureCode, op.PartitionKey),
            StartedAt = op.StartedAt,
            EndedAt = op.EndedAt,
        };
    }

    /// <summary>A workspace the caller may see; anything else (missing, deleted, someone else's) is the same 404.</summary>
    public async Task<WorkspaceEntity> FindVisibleAsync(CallerIdentity caller, string workspaceId, CancellationToken cancellationToken)
    {
        var workspace = await store.FindAsync(workspaceId, cancellationToken);
        if (workspace is null || workspace.IsIn(WorkspaceStatus.Deleted) || !caller.CanSee(workspace.PartitionKey))
            throw CoderProblemException.NotFound($"Workspace '{workspaceId}'");
        return workspace;
    }

    /// <summary>
    /// The control plane's own operations (the reconciler): claims the workspace as a request would, but only while
    /// <paramref name="decide"/> still holds for the row as stored (it may also change the row in the same write).
    /// Returns the operation id, or null when another operation runs or the decision no longer holds.
    /// </summary>
    public async Task<string?> TryStartSystemOperationAsync(WorkspaceEntity workspace, OperationKind kind, string actor, string reason, Func<WorkspaceEntity, bool> decide, DurableTaskClient client, CancellationToken cancellationToken)
    {
        string? operationId;
        try
        {
            operationId = await ClaimAsync(workspace, kind, actor, decide, unchangedSinceRead: false, cancellationToken);
        }
        catch (CoderProblemException e) when (e.Status is 404 or 409)
        {
            return null;
        }

        if (operationId is null) return null;
        await StartOperationAsync(workspace, kind, operationId, actor, reason, client, cancellationToken);
        return operationId;
    }

    /// <summary>Claims the workspace for one operation (ETag-guarded); a running one is a 409 naming it. Upgrades claim through this too.</summary>
    public async Task<string> ClaimAsync(WorkspaceEntity workspace, OperationKind kind, string actor, CancellationToken cancellationToken) =>
        (await ClaimAsync(workspace, kind, actor, decide: null, unchangedSinceRead: false, cancellationToken))!;

    /// <summary>
    /// The claim: one write of the workspace row under the ETag of <paramref name="workspace"/> as read. When someone else
    /// wrote the row first (412), it reads again and decides again, unless <paramref name="unchangedSinceRead"/> says the
    /// caller's read is the condition (a client's If-Match): then the lost race is the caller's 412.
    /// </summary>
    async Task<string?> ClaimAsync(WorkspaceEntity workspace, OperationKind kind, string actor, Func<WorkspaceEntity, bool>? decide, bool unchangedSinceRead, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            if (workspace.OperationId is { } running)
                throw CoderProblemException.Conflict($"Operation {running} is still running on this workspace.", running);
            if (decide is not null && !decide(workspace)) return null;
            int generation = workspace.OperationGeneration + 1;
            string operationId = Ids.OperationId(workspace.RowKey, generation, WireNames.Of(kind));
            var now = time.GetUtcNow();
            workspace.OperationId = operationId;
            workspace.OperationKind = WireNames.Of(kind);
            workspace.OperationGeneration = generation;
            workspace.OperationStartedAt = now;
            workspace.Status = WireNames.Of(WorkspaceOrchestrations.TransitionalStatus(kind));
            workspace.DesiredState = kind switch
            {
                OperationKind.Stop => DesiredStates.Stopped,
                OperationKind.Delete => DesiredStates.Deleted,
                OperationKind.Start or OperationKind.Restart => DesiredStates.Running,
                _ => workspace.DesiredState,
            };
            workspace.UpdatedAt = now;
            try
            {
                await store.UpdateAsync(workspace, cancellationToken);
                return operationId;
            }
            catch (RequestFailedException e) when (e.Status == 412 && unchangedSinceRead)
            {
                throw StaleETag();
            }
            catch (RequestFailedException e) when (e.Status == 412 && attempt < 50)
            {
                // Someone else wrote the row (another request or an activity): read it again and decide again.
                workspace = await store.GetAsync(workspace.PartitionKey, workspace.RowKey, cancellationToken) ?? throw CoderProblemException.NotFound($"Workspace '{workspace.RowKey}'");
                if (workspace.IsIn(WorkspaceStatus.Deleted)) throw CoderProblemException.NotFound($"Workspace '{workspace.RowKey}'");
            }
        }
    }

    /// <summary>
    /// Claims the workspace for an operation that another feature orchestrates (snapshot, restore) and records the
    /// operation; the caller schedules its orchestration with the returned id. 409 while another operation runs.
    /// </summary>
    public async Task<string> ClaimOperationAsync(WorkspaceEntity workspace, OperationKind kind, string actor, CancellationToken cancellationToken)
    {
        string operationId = await ClaimAsync(workspace, kind, actor, cancellationToken);
        await RecordOperationAsync(workspace, kind, operationId, actor, cancellationToken);
        return operationId;
    }

    async Task StartOperationAsync(WorkspaceEntity workspace, OperationKind kind, string operationId, string actor, string reason, DurableTaskClient client, CancellationToken cancellationToken, ScaleTarget? scale = null, string? orchestrator = null)
    {
        await RecordOperationAsync(workspace, kind, operationId, actor, cancellationToken);
        var input = new WorkspaceOperationInput(workspace.RowKey, workspace.PartitionKey, operationId, kind, actor, reason, scale);
        await ScheduleIdempotentAsync(client, orchestrator ?? WorkspaceOrchestrations.OrchestratorFor(kind), input, operationId, cancellationToken);
        LogOperationStarted(logger, operationId, workspace.RowKey, actor);
    }

    Task RecordOperationAsync(WorkspaceEntity workspace, OperationKind kind, string operationId, string actor, CancellationToken cancellationToken) =>
        operations.CreateAsync(new OperationEntity
        {
            PartitionKey = operationId,
            Kind = WireNames.Of(kind),
            WorkspaceId = workspace.RowKey,
            Owner = workspace.PartitionKey,
            Status = "pending",
            Actor = actor,
            StartedAt = time.GetUtcNow(),
            LastProgressAt = time.GetUtcNow(),
        }, cancellationToken);

    /// <summary>Schedules an orchestration whose instance id is the operation id; one that already exists is the same work.</summary>
    public static async Task ScheduleIdempotentAsync(DurableTaskClient client, string orchestrator, object input, string instanceId, CancellationToken cancellationToken)
    {
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(orchestrator, input, new Microsoft.DurableTask.StartOrchestrationOptions(instanceId), cancellationToken);
        }
        catch (Exception)
        {
            // Already scheduled by an earlier attempt of this request? Then it is the same work; otherwise it is a real failure.
            if (await client.GetInstanceAsync(instanceId, cancellationToken) is null) throw;
        }
    }

    static CoderProblemException StaleETag() => CoderProblemException.PreconditionFailed("The workspace changed since you read it (ETag mismatch).");

    static void ValidateSize(double cpu, int memory, int replicas, Contracts.Templates.TemplateSpec spec, ValidationErrors errors)
    {
        var limits = spec.Limits!;
        if (!(cpu >= 0.1)) errors.Add("size.cpu", "At least 0.1.");
        else if (cpu > limits.MaxCpu) errors.Add("size.cpu", $"At most {limits.MaxCpu} (the template's limit).");
        if (memory < 64) errors.Add("size.memoryMiB", "At least 64.");
        else if (memory > limits.MaxMemoryMiB) errors.Add("size.memoryMiB", $"At most {limits.MaxMemoryMiB} (the template's limit).");
        if (replicas > limits.MaxReplicas) errors.Add("replicas", $"At most {limits.MaxReplicas} (the template's limit).");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Operation {OperationId} started on workspace {WorkspaceId} by {Actor}")]
    static partial void LogOperationStarted(ILogger logger, string operationId, string workspaceId, string actor);
}
