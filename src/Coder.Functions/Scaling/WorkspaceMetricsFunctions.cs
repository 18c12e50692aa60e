using Coder.Functions.Http;
using Coder.Orchestrations.Scaling;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Coder.Functions.Scaling;

/// <summary><c>GET /api/workspaces/{id}/metrics?window=1h</c>.</summary>
public sealed class WorkspaceMetricsFunctions(ApiPipeline api, WorkspaceMetricsService metrics)
{
    [ApiQuery("window", "How far back the points go, such as 1h (the default).")]
    [ApiResponse(200, typeof(Coder.Contracts.Workspaces.WorkspaceMetricsSeries))]
    [Function(nameof(GetWorkspaceMetrics))]
    public Task<IActionResult> GetWorkspaceMetrics([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "workspaces/{id}/metrics")] HttpRequest req, string id) =>
        api.RunAsync(req, async (caller, ct) => ApiResult.Ok(await metrics.GetAsync(caller, id, req.Query["window"].FirstOrDefault(), ct)));
}
