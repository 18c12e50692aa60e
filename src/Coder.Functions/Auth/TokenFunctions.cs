using Coder.Contracts.Auth;
using Coder.Functions.Http;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Coder.Functions.Auth;

public sealed class TokenFunctions(ApiPipeline api, ApiTokenService tokens)
{
    [Function(nameof(CreateToken))]
    public Task<IActionResult> CreateToken([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "tokens")] HttpRequest req) =>
        api.RunAsync(req, async (caller, ct) =>
        {
            if (!caller.IsAdmin) throw CoderProblemException.Forbidden("Creating tokens needs the admin role.");
            return ApiResult.Created(await tokens.CreateAsync(await ApiPipeline.ReadBodyAsync<CreateTokenRequest>(req, ct), ct));
        });
}
