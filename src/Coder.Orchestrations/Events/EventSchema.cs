namespace Coder.Orchestrations.Events;

/// <summary>The two delivery schemas an Event Grid subscription can use.</summary>
public enum EventSchema
{
    EventGrid,
    CloudEvents,
}
