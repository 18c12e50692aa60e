using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coder.Contracts.Agents;
using Coder.Contracts.Json;
using Coder.Provisioning.Tests.FakeArm;

namespace Coder.Provisioning.Tests.Orchestrations;

/// <summary>
/// Stands in for the agent the platform would start: no container or VM runs here. It takes the environment the
/// provisioner handed to the platform — the container group's environment variables, or the env file in the VM
/// extension's protected settings, exactly as the fake ARM received them — and reports lifecycle through the real
/// ingest path of the agent's HTTP transport: <c>POST {CODER_URL}/api/agent/events</c> with the agent token as bearer.
/// </summary>
public sealed class AgentStandIn(IReadOnlyDictionary<string, string> environment)
{
    long _seq;

    public IReadOnlyDictionary<string, string> Environment { get; } = environment;

    /// <summary>The environment of replica <paramref name="replica"/> in the last accepted PUT of the workspace's container group.</summary>
    public static AgentStandIn FromContainerGroup(FakeArmServer fake, string workspaceId, int replica = 0)
    {
        var put = LastAcceptedPut(fake, $"/containerGroups/coder-{workspaceId}")
            ?? throw new InvalidOperationException($"The fake ARM received no container group for {workspaceId}.");
        var container = JsonNode.Parse(put.Body!)!["properties"]!["containers"]![replica]!;
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in container["properties"]!["environmentVariables"]!.AsArray())
        {
            env[(string)variable!["name"]!] = (string?)variable["secureValue"] ?? (string)variable["value"]!;
        }

        return new AgentStandIn(env);
    }

    /// <summary>The env file the VM's CustomScript extension writes, from its last accepted PUT.</summary>
    public static AgentStandIn FromVmExtension(FakeArmServer fake, string workspaceId)
    {
        var put = LastAcceptedPut(fake, $"/virtualMachines/coder-{workspaceId}/extensions/coder-agent-env")
            ?? throw new InvalidOperationException($"The fake ARM received no agent extension for {workspaceId}.");
        string script = Encoding.UTF8.GetString(Convert.FromBase64String((string)JsonNode.Parse(put.Body!)!["properties"]!["protectedSettings"]!["script"]!));
        // The script writes the file with: echo '<base64>' | base64 -d > /etc/coder/agent.env
        string file = Encoding.UTF8.GetString(Convert.FromBase64String(script.Split('\'')[1]));
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in file.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            env[line[..eq]] = line[(eq + 2)..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
        }

        return new AgentStandIn(env);
    }

    public static bool HasEnvironment(FakeArmServer fake, string path) => LastAcceptedPut(fake, path) is not null;

    /// <summary>Reports each state in order, as the agent's lifecycle reporter does, and expects 202 for each batch.</summary>
    public async Task ReportAsync(params AgentLifecycle[] states)
    {
        // The variables the agent itself requires (AgentSettings.FromVariables).
        string url = Environment["CODER_URL"], token = Environment["CODER_AGENT_TOKEN"];
        string workspaceId = Environment["CODER_WORKSPACE_ID"], agentId = Environment["CODER_AGENT_ID"];
        using var http = new HttpClient { BaseAddress = new Uri(url.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };
        foreach (var state in states)
        {
            var payload = JsonSerializer.SerializeToElement(new LifecyclePayload(state), CoderJsonContext.Default.LifecyclePayload);
            var envelope = new AgentEnvelope(workspaceId, agentId, ++_seq, DateTimeOffset.UtcNow, AgentEventTypes.Lifecycle, payload);
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/agent/events")
            {
                Content = JsonContent.Create(new AgentEventsBatch([envelope]), CoderJsonContext.Default.AgentEventsBatch),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST api/agent/events answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    static ArmCall? LastAcceptedPut(FakeArmServer fake, string pathSuffix) =>
        fake.Calls.LastOrDefault(c => c.Method == "PUT" && c.Status is 200 or 201 && c.Path.EndsWith(pathSuffix, StringComparison.Ordinal));
}
