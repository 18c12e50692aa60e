using Coder.Contracts.Platform;
using Coder.Functions.Http;
using Coder.Orchestrations.State;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Coder.Functions.Platform;

/// <summary>GET /api/health: open, and says only whether each dependency answers.</summary>
public sealed class HealthFunction(ApiPipeline api, CoderTables tables)
{
    [ApiResponse(200, typeof(HealthResponse))]
    [ApiResponse(503, typeof(HealthResponse))]
    [Function(nameof(GetHealth))]
    public Task<IActionResult> GetHealth(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req,
        [DurableClient] DurableTaskClient client) =>
        api.RunAnonymousAsync(req, async ct =>
        {
            var checks = new Dictionary<string, string>
            {
                ["storage"] = await Check(async () => { await foreach (var _ in tables.Workspaces.QueryAsync<Azure.Data.Tables.TableEntity>(maxPerPage: 1, select: ["PartitionKey"], cancellationToken: ct).AsPages(pageSizeHint: 1)) break; }),
                ["durable"] = await Check(() => client.GetInstanceAsync("health-probe", ct)),
            };
            bool healthy = checks.Values.All(v => v == "ok");
            return new ApiResult(healthy ? 200 : 503, new HealthResponse(healthy ? "healthy" : "unhealthy", checks));
        });

    static async Task<string> Check(Func<Task> probe)
    {
        try
        {
            await probe().WaitAsync(TimeSpan.FromSeconds(5));
            return "ok";
        }
        catch (Exception)
        {
            // Health output is public: say that a check failed, never why (the why may hold hosts or keys).
            return "failed";
        }
    }
}
