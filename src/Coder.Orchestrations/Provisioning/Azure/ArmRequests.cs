using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.ResourceManager;

namespace Coder.Orchestrations.Provisioning.Azure;

/// <summary>
/// ARM calls the generic-resource API has no method for (container group start/stop/restart, VM-less POST actions,
/// file share snapshots). They go through the ArmClient's own pipeline (credential, retry policy for 429/5xx) and
/// follow the ARM async-operation contract: poll <c>Azure-AsyncOperation</c> (else <c>Location</c>), waiting
/// <c>Retry-After</c> seconds, until a terminal status or <see cref="AzureProvisioningOptions.OperationTimeout"/>.
/// </summary>
public sealed class ArmRequests : ArmResource
{
    readonly AzureProvisioningOptions _options;
    readonly Uri _endpoint;
    readonly TimeProvider _time;

    /// <summary>For mocking only.</summary>
    ArmRequests()
    {
        _options = new AzureProvisioningOptions();
        _endpoint = ArmEnvironment.AzurePublicCloud.Endpoint;
        _time = TimeProvider.System;
    }

    internal ArmRequests(ArmClient client, ResourceIdentifier id, AzureProvisioningOptions options, TimeProvider time) : base(client, id)
    {
        _options = options;
        _endpoint = options.ArmEndpoint ?? ArmEnvironment.AzurePublicCloud.Endpoint;
        _time = time;
    }

    /// <summary>Sends one request and, when ARM answers 201/202 with an operation header, waits for the operation.</summary>
    /// <returns>The final body (null when there is none).</returns>
    public Task<JsonDocument?> SendAsync(RequestMethod method, ResourceIdentifier resource, string? action, string apiVersion, BinaryData? body, CancellationToken cancellationToken) =>
        SendAsync(method, resource, action, apiVersion, body, ArmRequestOptions.None, cancellationToken);

    /// <summary>Sends one request and, when ARM answers 201/202 with an operation header, waits for the operation.</summary>
    /// <returns>The final body (null when there is none), or null for 404 when <see cref="ArmRequestOptions.AllowNotFound"/>.</returns>
    public async Task<JsonDocument?> SendAsync(RequestMethod method, ResourceIdentifier resource, string? action, string apiVersion, BinaryData? body, ArmRequestOptions options, CancellationToken cancellationToken)
    {
        using var message = Pipeline.CreateMessage();
        var request = message.Request;
        request.Method = method;
        var uri = new RequestUriBuilder();
        uri.Reset(_endpoint);
        uri.AppendPath(resource.ToString(), escape: false);
        if (action is not null) uri.AppendPath("/" + action, escape: false);
        uri.AppendQuery("api-version", apiVersion, true);
        if (options.Query is { } query) uri.AppendQuery(query.Split('=')[0], query.Split('=', 2)[1], true);
        request.Uri = uri;
        request.Headers.Add("Accept", "application/json");
        foreach (var (name, value) in options.Headers ?? new Dictionary<string, string>()) request.Headers.Add(name, value);
        if (body is not null)
        {
            request.Headers.Add("Content-Type", "application/json");
            request.Content = RequestContent.Create(body);
        }

        await Pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var response = message.Response;
        if (options.AllowNotFound && response.Status == 404) return null;
        if (response.IsError) throw new RequestFailedException(response);

        JsonDocument? result = response.Content.ToMemory().Length > 0 ? JsonDocument.Parse(response.Content.ToMemory()) : null;
        if (response.Status is 201 or 202 && OperationUrl(response) is { } operation)
        {
            await WaitAsync(operation, RetryAfter(response), cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    async Task WaitAsync((Uri Url, bool AsyncOperation) operation, TimeSpan? retryAfter, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.OperationTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var delay = retryAfter;
        while (true)
        {
            try
            {
                await Task.Delay(delay ?? _options.PollInterval, _time, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The ARM operation {operation.Url.GetLeftPart(UriPartial.Path)} did not finish within {_options.OperationTimeout}.");
            }

            using var poll = Pipeline.CreateMessage();
            poll.Request.Method = RequestMethod.Get;
            poll.Request.Uri.Reset(operation.Url);
            await Pipeline.SendAsync(poll, linked.Token).ConfigureAwait(false);
            var response = poll.Response;
            delay = RetryAfter(response);
            if (response.IsError) throw new RequestFailedException(response);
            if (!operation.AsyncOperation)
            {
                if (response.Status == 202) continue;
                return;
            }

            using var status = JsonDocument.Parse(response.Content.ToMemory());
            string state = status.RootElement.TryGetProperty("status", out var s) ? s.GetString() ?? "" : "";
            if (state.Equals("Succeeded", StringComparison.OrdinalIgnoreCase)) return;
            if (state.Equals("Failed", StringComparison.OrdinalIgnoreCase) || state.Equals("Canceled", StringComparison.OrdinalIgnoreCase))
            {
                string error = status.RootElement.TryGetProperty("error", out var e) ? e.GetRawText() : "no error given";
                throw new RequestFailedException(500, $"ARM operation {state}: {error}");
            }
        }
    }

    static (Uri Url, bool AsyncOperation)? OperationUrl(Response response)
    {
        if (response.Headers.TryGetValue("Azure-AsyncOperation", out string? async) && Uri.TryCreate(async, UriKind.Absolute, out var a)) return (a, true);
        if (response.Headers.TryGetValue("Location", out string? location) && Uri.TryCreate(location, UriKind.Absolute, out var l)) return (l, false);
        return null;
    }

    static TimeSpan? RetryAfter(Response response) =>
        response.Headers.TryGetValue("Retry-After", out string? value) && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;
}
