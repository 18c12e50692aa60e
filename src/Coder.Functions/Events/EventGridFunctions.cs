using Coder.Functions.Http;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Events;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace Coder.Functions.Events;

/// <summary>
/// The Event Grid webhook (API.md "Platform"): the CloudEvents abuse-protection handshake on OPTIONS, deliveries in either
/// schema on POST. Both need the subscription URL's <c>key</c> (or an allowed Entra principal); anything else is 401.
/// </summary>
public sealed class EventGridFunctions(ApiPipeline api, WebhookAuthenticator auth, EventGridWebhookService webhook, IOptions<EventGridOptions> options)
{
    [ApiResponse(200)]
    [Function(nameof(EventGridHandshake))]
    public Task<IActionResult> EventGridHandshake([HttpTrigger(AuthorizationLevel.Anonymous, "options", Route = "eventgrid")] HttpRequest req) =>
        api.RunAnonymousAsync(req, _ =>
        {
            Authorize(req);
            string? origin = req.Headers["WebHook-Request-Origin"].FirstOrDefault();
            if (origin is not { Length: > 0 and <= 253 }) throw CoderProblemException.Validation("WebHook-Request-Origin", "Required: the sender's DNS name.");
            IActionResult result = new ApiResult(StatusCodes.Status200OK, null)
                .WithHeader("WebHook-Allowed-Origin", origin)
                .WithHeader("WebHook-Allowed-Rate", "*")
                .WithHeader("Allow", "POST, OPTIONS");
            return Task.FromResult(result);
        });

    [ApiRequest(typeof(System.Text.Json.JsonElement))]
    [ApiResponse(200, typeof(SubscriptionValidationResponse))]
    [ApiResponse(200, typeof(WebhookReceipt))]
    [Function(nameof(EventGridWebhook))]
    public Task<IActionResult> EventGridWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "eventgrid")] HttpRequest req,
        [DurableClient] DurableTaskClient client) =>
        api.RunAnonymousAsync(req, async ct =>
        {
            Authorize(req);
            var batch = InboundBatchParser.Parse(await ReadBodyAsync(req, options.Value.MaxBodyBytes, ct));
            if (batch.ValidationCode is { } code) return ApiResult.Ok(new SubscriptionValidationResponse(code));
            return ApiResult.Ok(await webhook.HandleAsync(batch, client, ct));
        });

    void Authorize(HttpRequest req)
    {
        if (!auth.IsAuthorized(req.Query["key"].FirstOrDefault(), req.Headers[WebhookAuthenticator.PrincipalIdHeader].FirstOrDefault()))
            throw new CoderProblemException(401, "Unauthorized.", "The webhook key is missing or wrong.");
    }

    static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit) throw TooLarge(limit);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit) throw TooLarge(limit);
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    static CoderProblemException TooLarge(int limit) => new(413, "Payload too large.", $"Webhook deliveries are limited to {limit / 1024} KiB.");
}
