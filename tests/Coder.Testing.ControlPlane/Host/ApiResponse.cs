using System.Net;
using System.Text.Json.Nodes;

namespace Coder.EndToEnd.Tests.Infrastructure;

public sealed record ApiResponse(HttpStatusCode Status, string Body, string? ContentType, IReadOnlyDictionary<string, string> Headers)
{
    public JsonNode Json => JsonNode.Parse(Body) ?? throw new InvalidOperationException("Empty body.");

    public override string ToString() => $"{(int)Status} {ContentType}: {Body}";
}
