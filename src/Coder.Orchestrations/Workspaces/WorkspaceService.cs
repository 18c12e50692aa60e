using Coder.Orchestrations.Agents;
using Azure;
using Azure.Data.Tables;
using Coder.Contracts;
using Coder.Contracts.Operations;
using Coder.Contracts.Templates;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Events;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Prebuilds;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Quotas;
using Coder.Orchestrations.Scaling;
using Coder.Orchestrations.Schedules;
using Coder.Orchestrations.Security;
using Coder.Orchestrations.Snapshots;
using Coder.Orchestrations.Snapshots.Orchestrators;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Templates;
using Coder.Orchestrations.Templates.Parameters;
using Coder.Orchestrations.Workspaces.Activities;
using Coder.Orchestrations.Timeline;
using Microsoft.DurableTask.Client;

namespace Coder.Orchestrations.Workspaces;

/// <summary>
/// The workspace routes' logic. Validation happens before any write, so bad input changes nothing. Operations start
/// through <see cref="OperationLauncher"/>, which claims the workspace row with an ETag, so at most one runs per workspace.
/// </summary>
public sealed class WorkspaceService(
    WorkspaceStore store,
    WorkspaceAgentStore agents,
    TemplateStore templates,
    OperationStore operations,
    OperationLauncher launcher,
    WorkspaceAccess access,
    WorkspaceTimeline timeline,
    ProvisionerRegistry provisioners,
    SnapshotTable snapshots,
    QuotaLedger quotas,
    PrebuildClaimer prebuilds,
    FleetHeartbeat heartbeat,
    TimeProvider time) : IWorkspaceCreator
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
        if (spec.AllowedRoles is { Count: > 0 } allowed && !caller.IsAdmin && !allowed.Any(caller.Roles.Contains))
            throw new CoderProblemException(403, "Forbidden.", $"Template '{request.Template}' v{version} is restricted by allowedRoles to {string.Join(", ", allowed)}.",
                new Dictionary<string, string[]> { ["allowedRoles"] = [.. allowed] });
        double cpu = request.Size?.Cpu ?? spec.Resources!.Cpu!.Value;
        int memory = request.Size?.MemoryMiB ?? spec.Resources!.MemoryMiB!.Value;
        int replicas = request.Replicas ?? 1;
        ScaleOperations.ValidateSize(cpu, memory, replicas, spec, errors);
        if (request.Size?.Enforced is not null) errors.Add("size.enforced", "Read-only.");
        if (source is not null && !provisioners.Get(spec.Provisioner!).Capabilities.Snapshots) errors.Add("fromSnapshot", $"The {spec.Provisioner} provisioner cannot restore snapshots.");
        var parameters = ParameterValidator.Resolve(spec.Parameters, request.Parameters, errors);
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
            ParametersJson = ParameterValues.Write(parameters),
        };
        // A taken name is refused before the quota row is touched, so that refusal writes nothing either (the create
        // transaction stays the guard against a race).
        if (await store.NameTakenAsync(caller.User, request.Name!, cancellationToken))
            throw WorkspaceStore.NameTaken(request.Name!);

        // A ready warm-pool member of this version and preset is claimed instead of provisioning (no orchestration runs).
        if (source is null && await prebuilds.TryClaimAsync(new PrebuildClaimRequest(caller, request.Name!, request.Template!, version, spec, cpu, memory, replicas, parameters), cancellationToken) is { } claimed)
            return claimed;

        // The quota reservation comes first: a create it refuses writes nothing, and one whose row is not written gives it back.
        await quotas.ReserveAsync(caller.User, id, new QuotaReservation(cpu, memory, replicas, Running: true), cancellationToken);
        try
        {
            // A taken name is a 409 from the create transaction itself (which undoes its index row), so nothing is left behind.
            await store.CreateAsync(workspace, cancellationToken);
        }
        catch (Exception)
        {
            await quotas.ReleaseAsync(caller.User, id, CancellationToken.None);
            throw;
        }

        // Timeline keys are ordered by time, so the "created" entry and the operation's start can be written side by side.
        await Task.WhenAll(
            timeline.AppendAsync(id, new TimelineEntry(now, "created", "workspace.created", $"Workspace '{workspace.Name}' created from template {workspace.Template} v{version}.", "user_request", caller.Actor), cancellationToken),
            launcher.StartClaimedAsync(workspace, OperationKind.Provision, operationId, caller.Actor, "user_request", client, scale: null,
                orchestrator: source is null ? null : nameof(BranchWorkspaceOrchestrator), cancellationToken));
        return new WorkspaceAccepted(id, workspace.Name, WorkspaceStatus.Pending, OperationLauncher.Pending(operationId, OperationKind.Provision));
    }

    public async Task<Versioned<WorkspaceResponse>> GetAsync(CallerIdentity caller, string workspaceId, CancellationToken cancellationToken)
    {
        // The workspace row and its agents row are two point reads side by side (the agents row for display, reused for up to
        // WorkspaceAgentStore.RecentTime); the ETag is the workspace row's alone.
        var observed = agents.GetRecentAsync(workspaceId, cancellationToken);
        var workspace = await FindVisibleAsync(caller, workspaceId, cancellationToken);
        var agent = AgentObservation.Of(workspace, await observed ?? WorkspaceAgentsEntity.FromLegacy(workspace));
        int? active = await templates.GetActiveVersionAsync(workspace.Template, cancellationToken);
        var schedule = await ScheduleOfAsync(workspace, cancellationToken);
        return new Versioned<WorkspaceResponse>(WorkspaceMapper.ToResponse(workspace, agent, active, caller, schedule, time.GetUtcNow()), workspace.ETag.ToString());
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
        var shown = items.Where(w => !PrebuildPool.IsMember(w) && (status is null ? !w.IsIn(WorkspaceStatus.Deleted) : w.Status == status) && (template is null || w.Template == template)).ToList();
        // The agents rows as this instance last read or wrote them within one heartbeat interval: on one instance that is
        // every row as stored (ingest writes through here), so a page of a hundred costs one query, not a hundred reads.
        var observedAge = TimeSpan.FromSeconds(await heartbeat.HeartbeatSecondsAsync(null, cancellationToken));
        var observed = await Task.WhenAll(shown.Select(w => agents.GetRecentAsync(w.RowKey, observedAge, cancellationToken)));
        var result = new List<WorkspaceResponse>();
        for (int i = 0; i < shown.Count; i++)
        {
            var w = shown[i];
            if (!active.TryGetValue(w.Template, out var version))
            {
                version = await templates.GetActiveVersionAsync(w.Template, cancellationToken);
                active[w.Template] = version;
            }

            result.Add(WorkspaceMapper.ToResponse(w, AgentObservation.Of(w, observed[i] ?? WorkspaceAgentsEntity.FromLegacy(w)), version, caller, await ScheduleOfAsync(w, cancellationToken), time.GetUtcNow()));
        }

        return new ItemsPage<WorkspaceResponse>(result, next);
    }

    public async Task<ItemsPage<WorkspaceEventView>> EventsAsync(CallerIdentity caller, string workspaceId, int? max, CancellationToken cancellationToken)
    {
        var (_, items) = await access.FindVisibleWithAsync(caller, workspaceId, (id, ct) => timeline.ListAsync(id, Math.Clamp(max ?? 200, 1, 1000), null, ct), cancellationToken);
        return new ItemsPage<WorkspaceEventView>(items);
    }

    /// <summary>Start, stop, restart or delete: claims the workspace for one operation and starts its orchestration.</summary>
    public async Task<OperationAccepted> RequestOperationAsync(CallerIdentity caller, string workspaceId, OperationKind kind, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var workspace = await FindVisibleAsync(caller, workspaceId, cancellationToken);
        var declared = kind is OperationKind.Start or OperationKind.Restart && QuotaReservation.Of(workspace) is { } now ? now with { Running = true } : null;
        string operationId = await WithReservationAsync(workspace, declared, () =>
            launcher.StartAsync(workspace, kind, caller.Actor, "user_request", client, scale: null, unchangedSinceRead: false, cancellationToken), cancellationToken);
        return new OperationAccepted(OperationLauncher.Pending(operationId, kind));
    }

    /// <summary>
    /// DELETE. With <paramref name="force"/> the delete goes on when tearing down the compute fails (it is gone or
    /// unreachable): the platform's errors go to the timeline and the audit log, and the workspace's own rows, tokens,
    /// relay entities and quota are released all the same. A force never races a running operation: that is a 409 naming
    /// it, to be canceled first (<c>POST /api/operations/{id}/cancel</c>), so nothing still acts on the compute.
    /// </summary>
    public async Task<OperationAccepted> DeleteAsync(CallerIdentity caller, string workspaceId, bool force, DurableTaskClient client, CancellationToken cancellationToken)
    {
        if (!force) return await RequestOperationAsync(caller, workspaceId, OperationKind.Delete, client, cancellationToken);
        var workspace = await FindVisibleAsync(caller, workspaceId, cancellationToken);
        if (workspace.OperationId is { } running)
            throw CoderProblemException.Conflict($"Operation {running} is still running on this workspace; cancel it first (POST /api/operations/{running}/cancel), then delete with force.", running);
        string operationId = await launcher.ClaimOperationAsync(workspace, OperationKind.Delete, caller.Actor, cancellationToken);
        var input = new WorkspaceOperationInput(workspace.RowKey, workspace.PartitionKey, operationId, OperationKind.Delete, caller.Actor, DestroyWorkspaceActivity.ForceReason, Force: true);
        await OperationLauncher.ScheduleIdempotentAsync(client, WorkspaceOrchestrations.OrchestratorFor(OperationKind.Delete), input, operationId, cancellationToken);
        return new OperationAccepted(OperationLauncher.Pending(operationId, OperationKind.Delete));
    }

    /// <summary>
    /// PATCH. Settings (parameters, schedule) alone are one conditional write of the workspace row: 200 with the workspace.
    /// A size or replica change starts a scale operation: 202. Both: everything is validated first, then the settings are
    /// written and the scale claims the row under the ETag that write produced. <c>If-Match</c> is the condition of the first write.
    /// </summary>
    public async Task<WorkspaceUpdateResult> UpdateAsync(CallerIdentity caller, string workspaceId, UpdateWorkspaceRequest request, string? ifMatch, DurableTaskClient client, CancellationToken cancellationToken)
    {
        bool scale = request.Size is not null || request.Replicas is not null;
        bool settings = HasSettings(request);
        if (!scale && !settings) throw CoderProblemException.Validation("body", "Give size, replicas, parameters or schedule.");
        if (!scale) return new WorkspaceUpdateResult(await UpdateSettingsAsync(caller, workspaceId, request, ifMatch, cancellationToken), null);

        var workspace = await FindVisibleAsync(caller, workspaceId, cancellationToken);
        RequireETag(workspace, ifMatch);
        var errors = new ValidationErrors();
        if (request.Size?.Enforced is not null) errors.Add("size.enforced", "Read-only.");
        if (request.Replicas is < 1) errors.Add("replicas", "At least 1.");
        errors.ThrowIfAny();
        var spec = await SpecOfAsync(workspace, cancellationToken);
        var target = new ScaleTarget(request.Size?.Cpu ?? workspace.Cpu, request.Size?.MemoryMiB ?? workspace.MemoryMiB, request.Replicas ?? workspace.Replicas, workspace.Cpu, workspace.MemoryMiB, workspace.Replicas);
        ScaleOperations.ValidateSize(target.Cpu, target.MemoryMiB, target.Replicas, spec, errors);
        var change = new SettingsChange(request, spec, time.GetUtcNow(), caller.Actor);
        if (settings) ChangeSettings(workspace, change, errors);
        errors.ThrowIfAny();
        if (!workspace.IsIn(WorkspaceStatus.Running, WorkspaceStatus.Failed))
            throw CoderProblemException.Conflict($"Only a running workspace can be scaled (it is {workspace.Status}).", workspace.OperationId);
        if (workspace.OperationId is { } running) throw OperationLauncher.StillRunning(running);

        // The settings write honours If-Match; with it, the scale's claim then names the ETag that write produced, so
        // nothing comes between. Without it, neither write is conditional on the client's read (a heartbeat is no 412).
        bool conditional = IsConditional(ifMatch);
        if (settings)
        {
            string? parametersBefore = workspace.ParametersJson;
            workspace = await WriteSettingsAsync(workspace, change, conditional, cancellationToken);
            await RecordSettingsAsync(parametersBefore, workspace, change, spec, cancellationToken);
        }

        // With If-Match, the claim is written under the very ETag the client named: a change since is 412, not a retry.
        var declared = new QuotaReservation(target.Cpu, target.MemoryMiB, target.Replicas, workspace.DesiredState == DesiredStates.Running);
        string operationId = await WithReservationAsync(workspace, declared, () =>
            launcher.StartAsync(workspace, OperationKind.Scale, caller.Actor, "user_request", client, target, unchangedSinceRead: conditional, cancellationToken), cancellationToken);
        return new WorkspaceUpdateResult(null, new OperationAccepted(OperationLauncher.Pending(operationId, OperationKind.Scale)));
    }

    /// <summary>
    /// The settings part of a PATCH (parameters), as ONE conditional write of the workspace row: under the client's
    /// <c>If-Match</c> when given (a change since is 412), otherwise read-decide-write again when another writer got there
    /// first. Parameters apply on the next start; the response lists the ones the running build does not have yet.
    /// </summary>
    public async Task<Versioned<WorkspaceResponse>> UpdateSettingsAsync(CallerIdentity caller, string workspaceId, UpdateWorkspaceRequest request, string? ifMatch, CancellationToken cancellationToken)
    {
        var workspace = await FindVisibleAsync(caller, workspaceId, cancellationToken);
        RequireETag(workspace, ifMatch);
        var spec = await SpecOfAsync(workspace, cancellationToken);
        var errors = new ValidationErrors();
        var now = time.GetUtcNow();
        var change = new SettingsChange(request, spec, now, caller.Actor);
        ChangeSettings(workspace, change, errors);
        errors.ThrowIfAny();
        // The write changes the row it is given; what it held before is what the timeline compares with.
        string? parametersBefore = workspace.ParametersJson;
        var stored = await WriteSettingsAsync(workspace, change, IsConditional(ifMatch), cancellationToken);
        var (agent, effective) = await RecordSettingsAsync(parametersBefore, stored, change, spec, cancellationToken);
        int? active = await templates.GetActiveVersionAsync(stored.Template, cancellationToken);
        return new Versioned<WorkspaceResponse>(WorkspaceMapper.ToResponse(stored, agent, active, caller, effective, now), stored.ETag.ToString());
    }

    /// <summary>
    /// A settings change goes on the timeline with who made it: the parameters that changed (names, not values) and when
    /// they apply, and a schedule with what comes next. Returns what the schedule was decided on.
    /// </summary>
    async Task<(AgentObservation Agent, EffectiveSchedule Effective)> RecordSettingsAsync(string? parametersBefore, WorkspaceEntity stored, SettingsChange change, TemplateSpec spec, CancellationToken cancellationToken)
    {
        if (stored.ParametersJson != parametersBefore)
        {
            var before = ParameterValues.Read(parametersBefore);
            var after = ParameterValues.Read(stored.ParametersJson);
            var names = after.Keys.Union(before.Keys).Where(n => !before.TryGetValue(n, out var b) || !after.TryGetValue(n, out var a) || a.GetRawText() != b.GetRawText())
                .Order(StringComparer.Ordinal).ToList();
            await timeline.AppendAsync(stored.RowKey, new TimelineEntry(change.Now, $"parameters-{change.Now.UtcTicks}", "parameters.updated",
                $"Parameters changed by {change.Actor}: {string.Join(", ", names)}; they apply on the next start.", "user_request", change.Actor), cancellationToken);
        }


        var agent = AgentObservation.Of(stored, await agents.GetAsync(stored.RowKey, cancellationToken) ?? WorkspaceAgentsEntity.FromLegacy(stored));
        var effective = ScheduleRules.Resolve(ScheduleRules.Read(stored), spec.Schedule, spec.Idle?.StopAfterMinutes);
        if (change.Request.Schedule is { } schedule)
        {
            var now = change.Now;
            var next = SchedulePlanner.Next(stored, effective, agent, now);
            string says = next is null ? "Nothing is scheduled." : $"Next: {next.Action} at {next.At:u} ({next.Reason}).";
            await timeline.AppendAsync(stored.RowKey, new TimelineEntry(now, $"schedule-{now.UtcTicks}", "schedule.updated",
                $"Schedule set by {change.Actor}: {DescribeSchedule(schedule)}. {says}", ScheduleReasons.ScheduleUpdated, change.Actor, null, ScheduleSources.User(change.Actor)), cancellationToken);
        }

        return (agent, effective);
    }

    /// <summary>The one write of the settings: under the ETag of <paramref name="workspace"/> as read, retried on a fresh read unless <paramref name="conditional"/>.</summary>
    async Task<WorkspaceEntity> WriteSettingsAsync(WorkspaceEntity workspace, SettingsChange change, bool conditional, CancellationToken cancellationToken)
    {
        return await OptimisticConcurrency.MutateAsync(
            workspace,
            async ct => await store.GetAsync(workspace.PartitionKey, workspace.RowKey, ct) is { Status: not "deleted" } fresh
                ? fresh
                : throw CoderProblemException.NotFound($"Workspace '{workspace.RowKey}'"),
            w =>
            {
                // Decided again on every read: the rules (immutable, monotonic) compare with the values as stored now.
                var again = new ValidationErrors();
                bool changed = ChangeSettings(w, change, again, apply: true);
                again.ThrowIfAny();
                if (!changed) return false;
                w.UpdatedAt = change.Now;
                return true;
            },
            async (w, ct) =>
            {
                try
                {
                    return await store.UpdateAsync(w, ct);
                }
                catch (RequestFailedException e) when (e.Status == 412 && conditional)
                {
                    throw OperationLauncher.StaleETag();
                }
            },
            cancellationToken) ?? throw CoderProblemException.NotFound($"Workspace '{workspace.RowKey}'");
    }

    static bool HasSettings(UpdateWorkspaceRequest request) => request.Parameters is not null || request.Schedule is not null;

    /// <summary>
    /// Decides the request's settings against <paramref name="workspace"/> as read, errors into <paramref name="errors"/>;
    /// applies them to it when <paramref name="apply"/>. True when anything would change.
    /// </summary>
    static bool ChangeSettings(WorkspaceEntity workspace, SettingsChange change, ValidationErrors errors, bool apply = false)
    {
        var (request, spec, now, actor) = change;
        bool changed = false;
        if (request.Parameters is { } parameters)
        {
            string? values = ParameterValues.Write(ParameterValidator.Change(spec.Parameters, ParameterValues.Read(workspace.ParametersJson), parameters, errors));
            changed |= values != workspace.ParametersJson;
            if (apply) workspace.ParametersJson = values;
        }

        if (request.Schedule is { } schedule)
        {
            ScheduleRules.ValidateWorkspace(schedule, spec, now, errors);

            // A schedule PATCH always writes (it restarts the auto-stop count), so it is never a no-op.
            changed = true;
            if (apply && !errors.Any)
            {
                var effective = ScheduleRules.Resolve(schedule, spec.Schedule, spec.Idle?.StopAfterMinutes);
                workspace.ScheduleJson = ScheduleRules.Write(schedule);
                bool running = workspace.DesiredState == DesiredStates.Running;
                (workspace.DeadlineAt, workspace.DeadlineSource) = schedule.Deadline is { } deadline ? (deadline, ScheduleSources.User(actor))

                    // A new auto-stop counts from now, not from the last activity before the change.
                    : running && effective.AutostopAfterMinutes is { } minutes ? (now.AddMinutes(minutes), ScheduleSources.Autostop)
                    : ((DateTimeOffset?)null, (string?)null);
                workspace.NextAutostartAt = effective.NextAutostart(now);
            }
        }

        return changed;
    }

    async Task<TemplateSpec> SpecOfAsync(WorkspaceEntity workspace, CancellationToken cancellationToken) =>
        (await templates.GetVersionAsync(workspace.Template, workspace.TemplateVersion, cancellationToken)
            ?? throw CoderProblemException.NotFound($"Template {workspace.Template} v{workspace.TemplateVersion}")).Spec;

    static bool IsConditional(string? ifMatch) => ifMatch is { Length: > 0 } && ifMatch != "*";

    static void RequireETag(WorkspaceEntity workspace, string? ifMatch)
    {
        if (IsConditional(ifMatch) && ifMatch != workspace.ETag.ToString()) throw OperationLauncher.StaleETag();
    }

    static string DescribeSchedule(WorkspaceSchedule s)
    {
        var parts = new List<string>();
        if (s.Autostart is not null) parts.Add($"autostart {s.Autostart} ({s.Timezone ?? "UTC"})");
        else if (s.Timezone is not null) parts.Add($"timezone {s.Timezone}");
        if (s.AutostopAfterMinutes is { } m) parts.Add($"auto-stop after {m} min without activity");
        if (s.Deadline is { } d) parts.Add($"deadline {d:u}");
        return parts.Count == 0 ? "the template's defaults" : string.Join(", ", parts);
    }

    /// <summary>
    /// Takes the quota reservation <paramref name="declared"/> (none: nothing to take) before <paramref name="start"/>
    /// claims the workspace, and puts the previous one back when the claim does not go through.
    /// </summary>
    async Task<string> WithReservationAsync(WorkspaceEntity workspace, QuotaReservation? declared, Func<Task<string>> start, CancellationToken cancellationToken)
    {
        if (declared is null) return await start();

        // The claim would refuse a busy workspace; refusing it first keeps that refusal from touching the quota row.
        if (workspace.OperationId is { } running) throw OperationLauncher.StillRunning(running);
        var previous = await quotas.ReserveAsync(workspace.PartitionKey, workspace.RowKey, declared, cancellationToken);
        try
        {
            return await start();
        }
        catch (Exception)
        {
            await quotas.RestoreAsync(workspace.PartitionKey, workspace.RowKey, previous, CancellationToken.None);
            throw;
        }
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

    /// <summary>The schedule in force for <paramref name="workspace"/> (its template version's defaults under its own fields).</summary>
    async Task<EffectiveSchedule> ScheduleOfAsync(WorkspaceEntity workspace, CancellationToken cancellationToken)
    {
        var spec = (await templates.GetVersionAsync(workspace.Template, workspace.TemplateVersion, cancellationToken))?.Spec;
        return ScheduleRules.Resolve(ScheduleRules.Read(workspace), spec?.Schedule, spec?.Idle?.StopAfterMinutes);
    }

    /// <summary>A workspace the caller may see; anything else (missing, deleted, someone else's) is the same 404.</summary>
    public Task<WorkspaceEntity> FindVisibleAsync(CallerIdentity caller, string workspaceId, CancellationToken cancellationToken) =>
        access.FindVisibleAsync(caller, workspaceId, cancellationToken);
}
