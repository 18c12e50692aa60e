using Coder.Contracts.Operations;
using Coder.Contracts.Workspaces;
using Coder.Functions.Http;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Workspaces;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Coder.Functions.Workspaces;

/// <summary>Workspace routes (API.md "Workspaces").</summary>
public sealed class WorkspaceFunctions(ApiPipeline api, WorkspaceService workspaces)
{
    [ApiRequest(typeof(CreateWorkspaceRequest))]
    [ApiResponse(202, typeof(WorkspaceAccepted))]
    [Function(nameof(CreateWorkspace))]
    public Task<IActionResult> CreateWorkspace(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "workspaces")] HttpRequest req,
        [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, async (caller, ct) =>
        {
            var accepted = await workspaces.CreateAsync(caller, await ApiPipeline.ReadBodyAsync<CreateWorkspaceRequest>(req, ct), client, ct);
            return ApiResult.Accepted(accepted, WorkspaceMapper.WorkspaceUrl(accepted.Id));
        });

    [ApiResponse(200, typeof(WorkspaceResponse))]
    [Function(nameof(GetWorkspace))]
    public Task<IActionResult> GetWorkspace([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workspaces/{id}")] HttpRequest req, string id) =>
        api.RunAsync(req, async (caller, ct) =>
        {
            var workspace = await workspaces.GetAsync(caller, id, ct);
            return ApiResult.Ok(workspace.Value).WithHeader("ETag", workspace.ETag);
        });

    [ApiQuery("status", "Only workspaces with this status.")]
    [ApiQuery("template", "Only workspaces of this template.")]
    [ApiQuery("continuationToken", "The previous page's token.")]
    [ApiResponse(200, typeof(Coder.Contracts.ItemsPage<WorkspaceResponse>))]
    [Function(nameof(ListWorkspaces))]
    public Task<IActionResult> ListWorkspaces([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workspaces")] HttpRequest req) =>
        api.RunAsync(req, async (caller, ct) => ApiResult.Ok(await workspaces.ListAsync(
            caller, req.Query["status"].FirstOrDefault(), req.Query["template"].FirstOrDefault(), req.Query["continuationToken"].FirstOrDefault(), ct)));

    [ApiQuery("force", "true: go on when tearing down the compute fails (it is gone or unreachable); errors go to the timeline and the audit log. 409 while an operation runs: cancel it first.")]
    [ApiResponse(202, typeof(OperationAccepted))]
    [Function(nameof(DeleteWorkspace))]
    public Task<IActionResult> DeleteWorkspace(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "workspaces/{id}")] HttpRequest req, string id,
        [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, async (caller, ct) =>
        {
            bool force = req.Query["force"].FirstOrDefault() switch
            {
                null => false,
                { } v when bool.TryParse(v, out bool f) => f,
                _ => throw CoderProblemException.Validation("force", "Must be true or false."),
            };
            var accepted = await workspaces.DeleteAsync(caller, id, force, client, ct);
            return ApiResult.Accepted(accepted, accepted.Operation.StatusUrl);
        });

    [ApiResponse(202, typeof(OperationAccepted))]
    [Function(nameof(StartWorkspace))]
    public Task<IActionResult> StartWorkspace(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "workspaces/{id}/start")] HttpRequest req, string id,
        [DurableClient] DurableTaskClient client) => RequestOperation(req, id, OperationKind.Start, client);

    [ApiResponse(202, typeof(OperationAccepted))]
    [Function(nameof(StopWorkspace))]
    public Task<IActionResult> StopWorkspace(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "workspaces/{id}/stop")] HttpRequest req, string id,
        [DurableClient] DurableTaskClient client) => RequestOperation(req, id, OperationKind.Stop, client);

    [ApiResponse(202, typeof(OperationAccepted))]
    [Function(nameof(RestartWorkspace))]
    public Task<IActionResult> RestartWorkspace(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "workspaces/{id}/restart")] HttpRequest req, string id,
        [DurableClient] DurableTaskClient client) => RequestOperation(req, id, OperationKind.Restart, client);

    [ApiRequest(typeof(UpdateWorkspaceRequest))]
    [ApiResponse(200, typeof(WorkspaceResponse))]
    [ApiResponse(202, typeof(OperationAccepted))]
    [Function(nameof(UpdateWorkspace))]
    public Task<IActionResult> UpdateWorkspace(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "workspaces/{id}")] HttpRequest req, string id,
        [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, async (caller, ct) =>
        {
            var body = await ApiPipeline.ReadBodyAsync<UpdateWorkspaceRequest>(req, ct);
            var result = await workspaces.UpdateAsync(caller, id, body, req.Headers.IfMatch.FirstOrDefault(), client, ct);
            return result.Accepted is { } accepted
                ? ApiResult.Accepted(accepted, accepted.Operation.StatusUrl)
                : ApiResult.Ok(result.Updated!.Value).WithHeader("ETag", result.Updated.ETag);
        });

    [ApiQuery("max", "At most this many events, newest first.", IsInteger = true)]
    [ApiResponse(200, typeof(Coder.Contracts.ItemsPage<WorkspaceEventView>))]
    [Function(nameof(GetWorkspaceEvents))]
    public Task<IActionResult> GetWorkspaceEvents([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workspaces/{id}/events")] HttpRequest req, string id) =>
        api.RunAsync(req, async (caller, ct) =>
        {
            int? max = int.TryParse(req.Query["max"].FirstOrDefault(), out int m) ? m : null;
            return ApiResult.Ok(await workspaces.EventsAsync(caller, id, max, ct));
        });

    Task<IActionResult> RequestOperation(HttpRequest req, string id, OperationKind kind, DurableTaskClient client) =>
        api.RunAsync(req, async (caller, ct) =>
        {
            var accepted = await workspaces.RequestOperationAsync(caller, id, kind, client, ct);
            return ApiResult.Accepted(accepted, accepted.Operation.StatusUrl);
        });
}
