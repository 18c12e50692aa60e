using Coder.Contracts.Operations;
using Coder.Functions.Http;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Workspaces;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Coder.Functions.Operations;

public sealed class OperationFunctions(ApiPipeline api, WorkspaceService workspaces, OperationCancellation cancellation)
{
    [ApiResponse(200, typeof(OperationResponse))]
    [Function(nameof(GetOperation))]
    public Task<IActionResult> GetOperation([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "operations/{id}")] HttpRequest req, string id) =>
        api.RunAsync(req, async (caller, ct) => ApiResult.Ok(await workspaces.GetOperationAsync(caller, id, ct)));

    [ApiRequest(typeof(CancelOperationRequest), Required = false)]
    [ApiResponse(200, typeof(OperationResponse))]
    [Function(nameof(CancelOperation))]
    public Task<IActionResult> CancelOperation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "operations/{id}/cancel")] HttpRequest req, string id,
        [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, async (caller, ct) =>
        {
            var body = ApiPipeline.HasBody(req) ? await ApiPipeline.ReadBodyAsync<CancelOperationRequest>(req, ct) : new CancelOperationRequest();
            await cancellation.CancelAsync(caller, id, body.Reason, client, ct);
            return ApiResult.Ok(await workspaces.GetOperationAsync(caller, id, ct));
        });
}
