using Coder.Agent.Configuration;

namespace Coder.Agent.Transport;

/// <summary>Chooses the transport named by <c>CODER_AGENT_TRANSPORT</c>.</summary>
public static class EventTransportFactory
{
    public static IEventTransport Create(AgentSettings settings, HttpClient http) => settings.Transport switch
    {
        AgentTransportKind.StorageQueue => StorageQueueTransport.Create(settings.QueueConnection!, settings.QueueName, settings.Token),
        AgentTransportKind.ServiceBus => ServiceBusTransport.Create(settings.ServiceBusConnection, settings.ServiceBusNamespace,
            settings.ServiceBusQueue, settings.Token, settings.IdentityClientId),
        _ => new HttpEventTransport(http, settings.ControlPlaneUrl, settings.Token),
    };
}
