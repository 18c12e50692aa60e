using System.Text;
using System.Text.Json.Nodes;
using Azure.Messaging.EventGrid.SystemEvents;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Events;

namespace Coder.Orchestrations.Tests.Events;

/// <summary>The webhook's parser over the official sample payloads of both schemas, and over what is not an event.</summary>
public sealed class InboundBatchParserTests
{
    static InboundBatch Parse(string json) => InboundBatchParser.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void SubscriptionValidationSample_GivesTheValidationCodeTheDocumentedResponseEchoes()
    {
        var batch = Parse(EventSamples.Read("eventgrid-subscription-validation.json"));
        string expected = JsonNode.Parse(EventSamples.Read("eventgrid-subscription-validation-response.json"))!["validationResponse"]!.GetValue<string>();

        Assert.Equal(EventSchema.EventGrid, batch.Schema);
        Assert.Equal(expected, batch.ValidationCode);
    }

    [Theory]
    [InlineData("event-grid-schema.resource_delete_success.json", EventSchema.EventGrid, CoderEventTypes.ResourceDeleteSuccess)]
    [InlineData("event-grid-schema.resource_write_success.json", EventSchema.EventGrid, CoderEventTypes.ResourceWriteSuccess)]
    [InlineData("event-grid-schema.blob_created.json", EventSchema.EventGrid, CoderEventTypes.BlobCreated)]
    [InlineData("cloud-events-schema.resource_delete_success.json", EventSchema.CloudEvents, CoderEventTypes.ResourceDeleteSuccess)]
    [InlineData("cloud-events-schema.resource_write_success.json", EventSchema.CloudEvents, CoderEventTypes.ResourceWriteSuccess)]
    [InlineData("cloud-events-schema.blob_created.json", EventSchema.CloudEvents, CoderEventTypes.BlobCreated)]
    public void OfficialSample_AloneAndInABatch_ParsesWithTheSdksTypedData(string sample, EventSchema schema, string type)
    {
        string json = EventSamples.Read(sample);
        foreach (var batch in new[] { Parse(json), Parse($"[{json},{json}]") })
        {
            Assert.Equal(schema, batch.Schema);
            Assert.Null(batch.ValidationCode);
            var e = batch.Events[0];
            Assert.Equal(type, e.Type);
            Assert.False(string.IsNullOrEmpty(e.Id));
            switch (type)
            {
                case CoderEventTypes.ResourceDeleteSuccess:
                    Assert.Equal(e.Subject, Assert.IsType<ResourceDeleteSuccessEventData>(e.SystemData).ResourceUri);
                    break;
                case CoderEventTypes.ResourceWriteSuccess:
                    Assert.Equal(e.Subject, Assert.IsType<ResourceWriteSuccessEventData>(e.SystemData).ResourceUri);
                    break;
                default:
                    Assert.EndsWith("/Template1.xlsx", Assert.IsType<StorageBlobCreatedEventData>(e.SystemData).Url);
                    break;
            }
        }
    }

    [Fact]
    public void BatchWithAnUnknownType_ParsesEveryEvent()
    {
        string unknown = """{"id":"u1","eventType":"Contoso.Items.ItemShipped","subject":"items/1","eventTime":"2026-01-01T00:00:00Z","data":{"n":1},"dataVersion":"1"}""";
        var batch = Parse($"[{EventSamples.Read("event-grid-schema.resource_write_success.json")},{unknown}]");
        Assert.Equal(["Microsoft.Resources.ResourceWriteSuccess", "Contoso.Items.ItemShipped"], batch.Events.Select(e => e.Type));
        Assert.Null(batch.Events[1].SystemData);
    }

    [Theory]
    [InlineData("", "body")]
    [InlineData("{\"id\":", "body")]
    [InlineData("[]", "body")]
    [InlineData("42", "body")]
    [InlineData("[1]", "[0]")]
    [InlineData("""[{"hello":"world"}]""", "[0]")]
    [InlineData("""[{"id":"a","subject":"s","eventTime":"2026-01-01T00:00:00Z","eventType":""}]""", "[0].eventType")]
    [InlineData("""[{"id":"a","subject":"s","eventType":"T"}]""", "[0].eventTime")]
    [InlineData("""{"specversion":"0.3","id":"a","source":"/s","type":"T"}""", "specversion")]
    [InlineData("""{"specversion":"1.0","id":"a","type":"T"}""", "source")]
    [InlineData("""[{"specversion":"1.0","id":"a","source":"/s","type":"T"},{"id":"b","subject":"s","eventTime":"2026-01-01T00:00:00Z","eventType":"T"}]""", "[1]")]
    public void MalformedBody_IsRefusedWith400NamingTheField(string body, string field)
    {
        var e = Assert.Throws<CoderProblemException>(() => Parse(body));
        Assert.Equal(400, e.Status);
        Assert.Contains(field, e.Errors!.Keys);
    }
}
