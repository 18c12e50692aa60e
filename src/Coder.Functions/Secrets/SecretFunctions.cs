using Coder.Contracts;
using Coder.Contracts.Secrets;
using Coder.Functions.Http;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Secrets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Coder.Functions.Secrets;

/// <summary>The caller's own secrets (API.md "Secrets and dotfiles"): set, list names, delete. No route returns a value.</summary>
public sealed class SecretFunctions(ApiPipeline api, SecretStore secrets)
{
    [ApiResponse(200, typeof(ItemsPage<SecretView>))]
    [Function(nameof(ListSecrets))]
    public Task<IActionResult> ListSecrets([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "users/me/secrets")] HttpRequest req) =>
        api.RunAsync(req, async (caller, ct) => ApiResult.Ok(new ItemsPage<SecretView>(await secrets.ListAsync(caller.User, ct))));

    [ApiRequest(typeof(SecretValueRequest))]
    [ApiResponse(200, typeof(SecretView))]
    [Function(nameof(PutSecret))]
    public Task<IActionResult> PutSecret([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "users/me/secrets/{name}")] HttpRequest req, string name) =>
        api.RunAsync(req, async (caller, ct) =>
            ApiResult.Ok(await secrets.SetAsync(caller.User, name, (await ApiPipeline.ReadBodyAsync<SecretValueRequest>(req, ct)).Value, ct)));

    [ApiResponse(204)]
    [Function(nameof(DeleteSecret))]
    public Task<IActionResult> DeleteSecret([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "users/me/secrets/{name}")] HttpRequest req, string name) =>
        api.RunAsync(req, async (caller, ct) =>
            await secrets.DeleteAsync(caller.User, name, ct) ? ApiResult.NoContent() : throw CoderProblemException.NotFound($"Secret '{name}'"));
}
