using Coder.Contracts.Quotas;
using Coder.Functions.Http;
using Coder.Orchestrations.Quotas;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Coder.Functions.Quotas;

/// <summary>Quota routes (API.md "Quotas"); setting is admin only (RoutePolicy), reading is the owner's or an admin's.</summary>
public sealed class QuotaFunctions(ApiPipeline api, QuotaService quotas)
{
    [ApiResponse(200, typeof(QuotaResponse))]
    [Function(nameof(GetQuota))]
    public Task<IActionResult> GetQuota([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "quotas/{owner}")] HttpRequest req, string owner) =>
        api.RunAsync(req, async (caller, ct) => ApiResult.Ok(await quotas.GetAsync(caller, owner, ct)));

    [ApiRequest(typeof(QuotaLimits))]
    [ApiResponse(200, typeof(QuotaResponse))]
    [Function(nameof(SetQuota))]
    public Task<IActionResult> SetQuota([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "quotas/{owner}")] HttpRequest req, string owner) =>
        api.RunAsync(req, async (caller, ct) => ApiResult.Ok(await quotas.SetAsync(caller, owner, await ApiPipeline.ReadBodyAsync<QuotaLimits>(req, ct), ct)));
}
