using System.Text.Json.Nodes;

namespace Coder.Provisioning.Tests.FakeArm;

/// <summary>What the fake answers: status, headers and an optional body.</summary>
public sealed class Answer(int status, string? body, string contentType = "application/json")
{
    public int Status { get; } = status;
    public string? Body { get; } = body;
    public string ContentType { get; } = contentType;
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static Answer Json(int status, JsonNode body, bool retryAfter = false)
    {
        var answer = new Answer(status, body.ToJsonString());
        if (retryAfter) answer.Headers["Retry-After"] = "0";
        return answer;
    }

    public static Answer Error(int status, string code, string message) =>
        Json(status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } });
}
