using Coder.Contracts.Secrets;
using Coder.Functions.Http;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Secrets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Coder.Functions.Secrets;

/// <summary>The caller's dotfiles repository, cloned and installed in each of their workspaces.</summary>
public sealed class DotfilesFunctions(ApiPipeline api, DotfilesStore dotfiles)
{
    [ApiRequest(typeof(DotfilesRequest))]
    [ApiResponse(200, typeof(DotfilesView))]
    [Function(nameof(PutDotfiles))]
    public Task<IActionResult> PutDotfiles([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "users/me/dotfiles")] HttpRequest req) =>
        api.RunAsync(req, async (caller, ct) =>
            ApiResult.Ok(await dotfiles.PutAsync(caller.User, await ApiPipeline.ReadBodyAsync<DotfilesRequest>(req, ct), ct)));

    [ApiResponse(200, typeof(DotfilesView))]
    [Function(nameof(GetDotfiles))]
    public Task<IActionResult> GetDotfiles([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "users/me/dotfiles")] HttpRequest req) =>
        api.RunAsync(req, async (caller, ct) =>
            ApiResult.Ok(await dotfiles.GetAsync(caller.User, ct) ?? throw CoderProblemException.NotFound("Dotfiles")));

    [ApiResponse(204)]
    [Function(nameof(DeleteDotfiles))]
    public Task<IActionResult> DeleteDotfiles([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "users/me/dotfiles")] HttpRequest req) =>
        api.RunAsync(req, async (caller, ct) =>
            await dotfiles.DeleteAsync(caller.User, ct) ? ApiResult.NoContent() : throw CoderProblemException.NotFound("Dotfiles"));
}
