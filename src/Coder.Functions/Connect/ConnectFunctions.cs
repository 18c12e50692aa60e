using Coder.Contracts.Connect;
using Coder.Functions.Http;
using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Connect;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Coder.Functions.Connect;

/// <summary>The way into a workspace through the relay (docs/api.md "Connect"): users' connect tokens, agents' listen tokens and keys.</summary>
public sealed class ConnectFunctions(ApiPipeline api, WorkspaceConnectService connect, AgentConnectService agents)
{
    [ApiRequest(typeof(ConnectRequest), Required = false)]
    [ApiResponse(200, typeof(ConnectResponse))]
    [Function(nameof(ConnectWorkspace))]
    public Task<IActionResult> ConnectWorkspace([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "workspaces/{id}/connect")] HttpRequest req, string id) =>
        api.RunAsync(req, async (caller, ct) =>
        {
            var body = ApiPipeline.HasBody(req) ? await ApiPipeline.ReadBodyAsync<ConnectRequest>(req, ct) : new ConnectRequest();
            return ApiResult.Ok(await connect.ConnectAsync(caller, id, body, req.HttpContext.Response.Headers["x-request-id"].FirstOrDefault(), ct));
        });

    [ApiRequest(typeof(RelayTokenRequest), Required = false)]
    [ApiResponse(200, typeof(RelayTokenResponse))]
    [Function(nameof(GetAgentRelayToken))]
    public Task<IActionResult> GetAgentRelayToken([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "agent/relay-token")] HttpRequest req) =>
        api.RunAnonymousAsync(req, async ct =>
        {
            var body = ApiPipeline.HasBody(req) ? await ApiPipeline.ReadBodyAsync<RelayTokenRequest>(req, ct) : new RelayTokenRequest();
            return ApiResult.Ok(await agents.ListenTokenAsync(ApiPipeline.BearerToken(req), body, ct));
        });

    [ApiResponse(200, typeof(AuthorizedKeysResponse))]
    [Function(nameof(GetAgentSshKeys))]
    public Task<IActionResult> GetAgentSshKeys([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "agent/ssh-keys")] HttpRequest req) =>
        api.RunAnonymousAsync(req, async ct => ApiResult.Ok(await agents.AuthorizedKeysAsync(ApiPipeline.BearerToken(req), ct)));
}
