namespace Coder.Orchestrations.Events;

/// <summary>Event Grid in (the webhook) and out (lifecycle events).</summary>
public sealed class EventGridOptions
{
    public const string Section = "Coder:EventGrid";

    /// <summary>The webhook's <c>key</c> query value (CODER_EVENTGRID_KEY). Unset and no Entra principals means every delivery is refused.</summary>
    public string? WebhookKey { get; set; }

    /// <summary>
    /// Entra object ids whose App Service Authentication principal (<c>X-MS-CLIENT-PRINCIPAL-ID</c>) may deliver without a key.
    /// Only set this when App Service Authentication is on: the platform then owns that header.
    /// </summary>
    public IList<string> EntraPrincipalIds { get; } = [];

    /// <summary>The custom topic endpoint (CODER_EVENTGRID_TOPIC_ENDPOINT). Unset: lifecycle events go to the <c>coder-events</c> Storage Queue.</summary>
    public string? TopicEndpoint { get; set; }

    /// <summary>Event Grid batches are at most 1 MB.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;
}
