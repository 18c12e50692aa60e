using Coder.Contracts.Upgrades;
using Coder.Functions.Http;
using Coder.Orchestrations.Upgrades;
using Coder.Orchestrations.Upgrades.Orchestrators;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Coder.Functions.Upgrades;

/// <summary>Upgrade and rollout routes (API.md "Workspaces" upgrade, "Operations and rollouts").</summary>
public sealed class UpgradeFunctions(ApiPipeline api, UpgradeService upgrades)
{
    [ApiRequest(typeof(UpgradeWorkspaceRequest))]
    [ApiResponse(202, typeof(Coder.Contracts.Operations.OperationAccepted))]
    [Function(nameof(UpgradeWorkspace))]
    public Task<IActionResult> UpgradeWorkspace(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "workspaces/{id}/upgrade")] HttpRequest req, string id,
        [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, async (caller, ct) =>
        {
            var accepted = await upgrades.UpgradeWorkspaceAsync(caller, id, await ApiPipeline.ReadBodyAsync<UpgradeWorkspaceRequest>(req, ct), client, ct);
            return ApiResult.Accepted(accepted, accepted.Operation.StatusUrl);
        });

    [ApiRequest(typeof(CreateRolloutRequest))]
    [ApiResponse(202, typeof(RolloutAccepted))]
    [Function(nameof(CreateRollout))]
    public Task<IActionResult> CreateRollout(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "templates/{name}/rollouts")] HttpRequest req, string name,
        [DurableClient] DurableTaskClient client) =>
        api.RunAsync(req, async (caller, ct) =>
        {
            var accepted = await upgrades.CreateRolloutAsync(caller, name, await ApiPipeline.ReadBodyAsync<CreateRolloutRequest>(req, ct), client, ct);
            return ApiResult.Accepted(accepted, accepted.StatusUrl);
        });

    [ApiResponse(200, typeof(RolloutResponse))]
    [Function(nameof(GetRollout))]
    public Task<IActionResult> GetRollout([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "rollouts/{id}")] HttpRequest req, string id) =>
        api.RunAsync(req, async (caller, ct) => ApiResult.Ok(await upgrades.GetRolloutAsync(caller, id, ct)));

    [ApiResponse(202, typeof(RolloutAccepted))]
    [Function(nameof(PauseRollout))]
    public Task<IActionResult> PauseRollout(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "rollouts/{id}/pause")] HttpRequest req, string id,
        [DurableClient] DurableTaskClient client) => Control(req, id, RolloutControlSignal.Pause, client);

    [ApiResponse(202, typeof(RolloutAccepted))]
    [Function(nameof(ResumeRollout))]
    public Task<IActionResult> ResumeRollout(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "rollouts/{id}/resume")] HttpRequest req, string id,
        [DurableClient] DurableTaskClient client) => Control(req, id, RolloutControlSignal.Resume, client);

    [ApiResponse(202, typeof(RolloutAccepted))]
    [Function(nameof(AbortRollout))]
    public Task<IActionResult> AbortRollout(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "rollouts/{id}/abort")] HttpRequest req, string id,
        [DurableClient] DurableTaskClient client) => Control(req, id, RolloutControlSignal.Abort, client);

    Task<IActionResult> Control(HttpRequest req, string id, string action, DurableTaskClient client) =>
        api.RunAsync(req, async (caller, ct) =>
        {
            var accepted = await upgrades.ControlRolloutAsync(caller, id, action, client, ct);
            return ApiResult.Accepted(accepted, accepted.StatusUrl);
        });
}
