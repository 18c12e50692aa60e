using Coder.Contracts.Auth;
using Coder.Functions.Http;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Coder.Functions.Auth;

/// <summary>API tokens (admin only; the route policy says so too).</summary>
public sealed class TokenFunctions(ApiPipeline api, ApiTokenService tokens)
{
    [ApiRequest(typeof(CreateTokenRequest))]
    [ApiResponse(201, typeof(TokenCreated))]
    [Function(nameof(CreateToken))]
    public Task<IActionResult> CreateToken([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "tokens")] HttpRequest req) =>
        api.RunAsync(req, async (caller, ct) =>
        {
            RequireAdmin(caller);
            return ApiResult.Created(await tokens.CreateAsync(await ApiPipeline.ReadBodyAsync<CreateTokenRequest>(req, ct), ct));
        });

    [ApiResponse(204)]
    [Function(nameof(RevokeToken))]
    public Task<IActionResult> RevokeToken([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "tokens/{name}")] HttpRequest req, string name) =>
        api.RunAsync(req, async (caller, ct) =>
        {
            RequireAdmin(caller);
            await tokens.RevokeAsync(name, ct);
            return ApiResult.NoContent();
        });

    static void RequireAdmin(CallerIdentity caller)
    {
        if (!caller.IsAdmin) throw CoderProblemException.Forbidden("Managing tokens needs the admin role.");
    }
}
