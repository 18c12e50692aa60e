using Azure.Core;
using Azure.Messaging.EventGrid;
using Coder.Orchestrations.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Events;

public static class EventsServiceCollectionExtensions
{
    /// <summary>The Event Grid webhook's handlers and the lifecycle event publisher (custom topic on Azure, Storage Queue locally).</summary>
    public static IServiceCollection AddCoderEvents(this IServiceCollection services)
    {
        services.TryBindOptions<EventGridOptions>(EventGridOptions.Section, options => options.Configure<IConfiguration>((o, config) =>
        {
            // The documented flat settings, as the Bicep sets them.
            o.WebhookKey ??= config["CODER_EVENTGRID_KEY"];
            o.TopicEndpoint ??= config["CODER_EVENTGRID_TOPIC_ENDPOINT"];
        }));

        services.TryAddSingleton<WebhookAuthenticator>();
        services.TryAddSingleton<WorkspaceResourceLocator>();
        services.TryAddSingleton<TemplateUploadHandler>();
        services.TryAddSingleton<WorkspaceRequestHandler>();
        services.TryAddSingleton<EventGridWebhookService>();

        services.TryAddSingleton<IWorkspaceEventPublisher>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<EventGridOptions>>().Value;
            if (options.TopicEndpoint is not { Length: > 0 } endpoint) return ActivatorUtilities.CreateInstance<QueueWorkspaceEventPublisher>(sp);
            return new EventGridWorkspaceEventPublisher(new EventGridPublisherClient(new Uri(endpoint), sp.GetRequiredService<TokenCredential>()));
        });
        return services;
    }
}
