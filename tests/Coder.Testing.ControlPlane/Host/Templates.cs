namespace Coder.EndToEnd.Tests.Infrastructure;

/// <summary>Template specs the tests use.</summary>
public static class Templates
{
    public static string Local(string name, string startupScript = "true", int heartbeatSeconds = 5, bool blocksReady = true, int maxReplicas = 3) => $$"""
        {
          "name": "{{name}}",
          "description": "test template",
          "provisioner": "local",
          "resources": { "cpu": 1, "memoryMiB": 512 },
          "limits": { "maxCpu": 2, "maxMemoryMiB": 2048, "maxReplicas": {{maxReplicas}} },
          "startupScripts": [ { "name": "setup", "script": {{System.Text.Json.JsonSerializer.Serialize(startupScript)}}, "timeoutSeconds": 60, "blocksReady": {{(blocksReady ? "true" : "false")}} } ],
          "agent": { "heartbeatSeconds": {{heartbeatSeconds}}, "readyTimeoutSeconds": 60 }
        }
        """;
}
