using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Messaging;
using Azure.Messaging.EventGrid;
using Azure.Messaging.EventGrid.SystemEvents;
using Coder.Orchestrations.Common;

namespace Coder.Orchestrations.Events;

/// <summary>
/// Parses a webhook body in either schema (a single event or a batch) into the SDK's models. The whole body is checked
/// before anything is handled, so a malformed delivery is refused with the field at fault and changes nothing.
/// </summary>
public static class InboundBatchParser
{
    static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };
    static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    public static InboundBatch Parse(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty) throw CoderProblemException.Validation("body", "A JSON event or array of events is required.");
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body.Span, NodeOptions, DocumentOptions);
        }
        catch (JsonException)
        {
            throw CoderProblemException.Validation("body", "Malformed JSON.");
        }

        bool single = root is JsonObject;
        JsonArray items = root switch
        {
            JsonArray a when a.Count > 0 => a,
            JsonArray => throw CoderProblemException.Validation("body", "The batch is empty."),
            JsonObject o => [o.DeepClone()],
            _ => throw CoderProblemException.Validation("body", "A JSON event or array of events is required."),
        };

        EventSchema? schema = null;
        var errors = new ValidationErrors();
        for (int i = 0; i < items.Count; i++)
        {
            string at = single ? "" : $"[{i}].";
            if (items[i] is not JsonObject item)
            {
                errors.Add(single ? "body" : $"[{i}]", "An event object is required.");
                continue;
            }

            var itemSchema = SchemaOf(item);
            if (itemSchema is null)
            {
                errors.Add(single ? "body" : $"[{i}]", "Neither an Event Grid event (eventType) nor a CloudEvent (specversion).");
                continue;
            }

            if (schema is { } s && s != itemSchema)
            {
                errors.Add(single ? "body" : $"[{i}]", "A batch carries one schema.");
                continue;
            }

            schema = itemSchema;
            if (itemSchema == EventSchema.CloudEvents) CheckCloudEvent(item, at, errors);
            else CheckEventGridEvent(item, at, errors);
        }

        errors.ThrowIfAny();
        var data = BinaryData.FromString(items.ToJsonString());
        try
        {
            return schema == EventSchema.CloudEvents ? FromCloudEvents(CloudEvent.ParseMany(data, skipValidation: false)) : FromEventGrid(EventGridEvent.ParseMany(data));
        }
        catch (Exception e) when (e is JsonException or ArgumentException or FormatException or InvalidOperationException)
        {
            throw CoderProblemException.Validation("body", "The events do not match their schema.");
        }
    }

    static EventSchema? SchemaOf(JsonObject item)
    {
        // Some official samples spell the attribute "specVersion"; the CloudEvents JSON format says "specversion".
        if (!item.ContainsKey("specversion") && item["specVersion"] is { } spelled)
        {
            item.Remove("specVersion");
            item["specversion"] = spelled;
        }

        if (item.ContainsKey("specversion")) return EventSchema.CloudEvents;
        return item.ContainsKey("eventType") ? EventSchema.EventGrid : null;
    }

    static void CheckCloudEvent(JsonObject item, string at, ValidationErrors errors)
    {
        if (Text(item, "specversion") != "1.0") errors.Add(at + "specversion", "Must be \"1.0\".");
        foreach (string name in (string[])["id", "source", "type"])
        {
            if (Text(item, name) is not { Length: > 0 }) errors.Add(at + name, "Required.");
        }

        if (item.ContainsKey("time") && !DateTimeOffset.TryParse(Text(item, "time"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _))
            errors.Add(at + "time", "An RFC 3339 timestamp.");
    }

    static void CheckEventGridEvent(JsonObject item, string at, ValidationErrors errors)
    {
        foreach (string name in (string[])["id", "eventType"])
        {
            if (Text(item, name) is not { Length: > 0 }) errors.Add(at + name, "Required.");
        }

        if (Text(item, "subject") is null) errors.Add(at + "subject", "Required.");
        if (!DateTimeOffset.TryParse(Text(item, "eventTime"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _))
            errors.Add(at + "eventTime", "Required: an ISO 8601 timestamp.");
        if (item.ContainsKey("dataVersion") && Text(item, "dataVersion") is null) errors.Add(at + "dataVersion", "A string.");
        if (!item.ContainsKey("dataVersion")) item["dataVersion"] = "";
    }

    static string? Text(JsonObject item, string name) =>
        item[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    static InboundBatch FromEventGrid(EventGridEvent[] events)
    {
        var list = new List<InboundEvent>(events.Length);
        string? validationCode = null;
        foreach (var e in events)
        {
            object? system = e.TryGetSystemEventData(out object systemData) ? systemData : null;
            if (system is SubscriptionValidationEventData validation)
            {
                validationCode = validation.ValidationCode is { Length: > 0 } code
                    ? code
                    : throw CoderProblemException.Validation("data.validationCode", "Required in a subscription validation event.");
            }

            list.Add(new InboundEvent(e.Id, e.EventType, e.Subject, e.Topic, e.Data, system));
        }

        return new InboundBatch(EventSchema.EventGrid, list, validationCode);
    }

    static InboundBatch FromCloudEvents(CloudEvent[] events)
    {
        var list = new List<InboundEvent>(events.Length);
        foreach (var e in events)
        {
            object? system = e.TryGetSystemEventData(out object systemData) ? systemData : null;
            list.Add(new InboundEvent(e.Id, e.Type, e.Subject, e.Source, e.Data, system));
        }

        return new InboundBatch(EventSchema.CloudEvents, list, null);
    }
}
