using Coder.Contracts.Connect;
using Coder.Functions.Http;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Connect;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Coder.Functions.Connect;

/// <summary>The caller's SSH public key (one per user), which workspace agents put in sshd's authorized keys.</summary>
public sealed class SshKeyFunctions(ApiPipeline api, SshKeyStore keys)
{
    [ApiRequest(typeof(SshKeyRequest))]
    [ApiResponse(200, typeof(SshKeyView))]
    [Function(nameof(PutSshKey))]
    public Task<IActionResult> PutSshKey([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "users/me/ssh-key")] HttpRequest req) =>
        api.RunAsync(req, async (caller, ct) =>
            ApiResult.Ok(await keys.PutAsync(caller.User, (await ApiPipeline.ReadBodyAsync<SshKeyRequest>(req, ct)).PublicKey, ct)));

    [ApiResponse(200, typeof(SshKeyView))]
    [Function(nameof(GetSshKey))]
    public Task<IActionResult> GetSshKey([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "users/me/ssh-key")] HttpRequest req) =>
        api.RunAsync(req, async (caller, ct) =>
            ApiResult.Ok(await keys.GetAsync(caller.User, ct) ?? throw CoderProblemException.NotFound("An SSH key")));

    [ApiResponse(204)]
    [Function(nameof(DeleteSshKey))]
    public Task<IActionResult> DeleteSshKey([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "users/me/ssh-key")] HttpRequest req) =>
        api.RunAsync(req, async (caller, ct) =>
        {
            await keys.DeleteAsync(caller.User, ct);
            return ApiResult.NoContent();
        });
}
