using DurableTask.Core;
using DurableTask.Core.History;

namespace Coder.Local.Durable;

/// <summary>
/// Puts the history events and messages the sidecar produces into the plain DurableTask.Core shapes the Azure Storage
/// provider serializes: it maps history rows by exact event type and deserializes queue messages by their declared
/// types, so a sidecar subclass or a protobuf collection does not survive the round trip.
/// </summary>
public static class StorableHistory
{
    /// <summary>Replaces, in place, every sidecar subclass of a sub-orchestration's created event with the plain event.</summary>
    public static void Normalize(IList<HistoryEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        for (int i = 0; i < events.Count; i++)
        {
            if (events[i] is SubOrchestrationInstanceCreatedEvent created && created.GetType() != typeof(SubOrchestrationInstanceCreatedEvent))
            {
                events[i] = Plain(created);
            }
        }
    }

    public static void Normalize(IList<TaskMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages) Normalize(message);
    }

    /// <summary>Gives an execution-started message plain dictionaries in place of whatever collection the sidecar passed on.</summary>
    public static TaskMessage Normalize(TaskMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Event is ExecutionStartedEvent { Tags: { } tags } started && tags.GetType() != typeof(Dictionary<string, string>))
        {
            started.Tags = new Dictionary<string, string>(tags, StringComparer.Ordinal);
        }

        return message;
    }

    static SubOrchestrationInstanceCreatedEvent Plain(SubOrchestrationInstanceCreatedEvent created) =>
        new(created.EventId)
        {
            Timestamp = created.Timestamp,
            IsPlayed = created.IsPlayed,
            Name = created.Name,
            Version = created.Version,
            InstanceId = created.InstanceId,
            Input = created.Input,
        };
}
