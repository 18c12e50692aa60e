using Coder.Agent.ControlPlane;
using Coder.Agent.Configuration;

namespace Coder.Agent.Transport;

/// <summary>Chooses the transport named by <c>CODER_AGENT_TRANSPORT</c>.</summary>
public static class EventTransportFactory
{
    public static IEventTransport Create(AgentSettings settings, AgentCredential credential, HttpClient http) => settings.Transport switch
    {
        AgentTransportKind.StorageQueue => StorageQueueTransport.Create(settings.QueueConnection!, settings.QueueName, credential),
        AgentTransportKind.ServiceBus => ServiceBusTransport.Create(settings.ServiceBusConnection, settings.ServiceBusNamespace,
            settings.ServiceBusQueue, credential, settings.IdentityClientId),
        _ => new HttpEventTransport(http, settings.ControlPlaneUrl, credential),
    };
}
