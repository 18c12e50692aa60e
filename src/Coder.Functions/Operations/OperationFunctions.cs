using Coder.Functions.Http;
using Coder.Orchestrations.Workspaces;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Coder.Functions.Operations;

public sealed class OperationFunctions(ApiPipeline api, WorkspaceService workspaces)
{
    [ApiResponse(200, typeof(Coder.Contracts.Operations.OperationResponse))]
    [Function(nameof(GetOperation))]
    public Task<IActionResult> GetOperation([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "operations/{id}")] HttpRequest req, string id) =>
        api.RunAsync(req, async (caller, ct) => ApiResult.Ok(await workspaces.GetOperationAsync(caller, id, ct)));
}
