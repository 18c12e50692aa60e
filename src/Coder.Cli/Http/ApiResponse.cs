using System.Net;
using System.Text.Json.Nodes;

namespace Coder.Cli.Http;

/// <summary>A successful API answer: its status, its JSON body (the API's own field names) and the headers the CLI reads.</summary>
public sealed record ApiResponse(HttpStatusCode Status, JsonNode? Body, string? ETag, string? Location);
