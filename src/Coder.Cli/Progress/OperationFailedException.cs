using System.Text.Json.Nodes;

namespace Coder.Cli.Progress;

/// <summary>An operation ended <c>failed</c> or <c>canceled</c>: the CLI exits 3.</summary>
public sealed class OperationFailedException(JsonNode operation) : Exception((string?)operation["error"] ?? $"The operation ended {(string?)operation["status"]}.")
{
    public JsonNode Operation { get; } = operation;
}
