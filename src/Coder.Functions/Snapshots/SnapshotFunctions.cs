using Coder.Contracts.Snapshots;
using Coder.Functions.Http;
using Coder.Orchestrations.Snapshots;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Coder.Functions.Snapshots;

/// <summary>Snapshot routes (API.md "Workspaces": snapshots and restore).</summary>
public sealed class SnapshotFunctions(ApiPipeline api, SnapshotService snapshots)
{
    [ApiRequest(typeof(CreateSnapshotRequest), Required = false)]
    [ApiResponse(202, typeof(SnapshotAccepted))]
    [Function(nameof(CreateSnapshot))]
    public Task<IActionResult> CreateSnapshot(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "workspaces/{id}/snapshots")] HttpRequest req, string id,
        [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, async (caller, ct) =>
        {
            // The body is optional: an empty one means no label.
            var body = req.ContentLength is null or 0 ? new CreateSnapshotRequest() : await ApiPipeline.ReadBodyAsync<CreateSnapshotRequest>(req, ct);
            var accepted = await snapshots.RequestSnapshotAsync(caller, id, body, client, trigger: "manual", ct);
            return ApiResult.Accepted(accepted, accepted.Operation.StatusUrl);
        });

    [ApiResponse(200, typeof(Coder.Contracts.ItemsPage<SnapshotView>))]
    [Function(nameof(ListSnapshots))]
    public Task<IActionResult> ListSnapshots([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workspaces/{id}/snapshots")] HttpRequest req, string id) =>
        api.RunAsync(req, async (caller, ct) => ApiResult.Ok(await snapshots.ListAsync(caller, id, ct)));

    [ApiRequest(typeof(RestoreWorkspaceRequest))]
    [ApiResponse(202, typeof(Coder.Contracts.Operations.OperationAccepted))]
    [Function(nameof(RestoreWorkspace))]
    public Task<IActionResult> RestoreWorkspace(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "workspaces/{id}/restore")] HttpRequest req, string id,
        [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, async (caller, ct) =>
        {
            var accepted = await snapshots.RequestRestoreAsync(caller, id, await ApiPipeline.ReadBodyAsync<RestoreWorkspaceRequest>(req, ct), client, ct);
            return ApiResult.Accepted(accepted, accepted.Operation.StatusUrl);
        });

    [ApiResponse(204)]
    [Function(nameof(DeleteSnapshot))]
    public Task<IActionResult> DeleteSnapshot([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "workspaces/{id}/snapshots/{snapshotId}")] HttpRequest req, string id, string snapshotId) =>
        api.RunAsync(req, async (caller, ct) =>
        {
            await snapshots.DeleteAsync(caller, id, snapshotId, ct);
            return ApiResult.NoContent();
        });
}
