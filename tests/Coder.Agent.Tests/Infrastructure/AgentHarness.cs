using Coder.Contracts.Agents;

namespace Coder.Agent.Tests.Infrastructure;

/// <summary>One agent under test: its manifest endpoint, its events queue on Azurite, and the agent process itself.</summary>
public sealed class AgentHarness : IAsyncDisposable
{
    public const string Token = "cda_agent-test-token-0123456789";

    AgentHarness(ManifestEndpoint manifest, EnvelopeQueue queue, AgentOptions options)
    {
        Manifest = manifest;
        Queue = queue;
        Options = options;
    }

    public ManifestEndpoint Manifest { get; }
    public EnvelopeQueue Queue { get; }
    public AgentOptions Options { get; private set; }
    public AgentProcess? Agent { get; private set; }
    public string WorkspaceId => Options.WorkspaceId;

    /// <summary>
    /// Sets up the manifest and queue; starts the agent unless <paramref name="start"/> is false. The agent sends to
    /// <paramref name="agentQueueConnection"/> (default: the queue the test reads).
    /// </summary>
    public static async Task<AgentHarness> StartAsync(Func<string, AgentManifest> manifest, string? agentQueueConnection = null, bool start = true,
        string? workspaceId = null, string? readQueueConnection = null, string token = Token)
    {
        string readConnection = readQueueConnection ?? await SharedStorage.ConnectionStringAsync();
        string queueName = "agent-events-" + Guid.NewGuid().ToString("N")[..10];
        var queue = new EnvelopeQueue(readConnection, queueName);
        await queue.CreateAsync();
        workspaceId ??= "ws-" + Guid.NewGuid().ToString("N")[..12];
        var endpoint = new ManifestEndpoint(token, manifest(workspaceId));
        var options = AgentOptions.ForNewWorkspace(workspaceId, token, endpoint.BaseUrl, agentQueueConnection ?? readConnection, queueName);
        var harness = new AgentHarness(endpoint, queue, options);
        if (start) harness.StartAgent();
        return harness;
    }

    public AgentProcess StartAgent(AgentOptions? options = null)
    {
        Options = options ?? Options;
        Agent = AgentProcess.Start(Options);
        return Agent;
    }

    /// <summary>Reads the queue until <paramref name="until"/> holds for everything received.</summary>
    public Task<IReadOnlyList<AgentEnvelope>> WaitForAsync(Func<IReadOnlyList<AgentEnvelope>, bool> until, TimeSpan timeout, string what) =>
        WaitForAsync(until, timeout, what, null);

    public async Task<IReadOnlyList<AgentEnvelope>> WaitForAsync(Func<IReadOnlyList<AgentEnvelope>, bool> until, TimeSpan timeout, string what,
        Func<AgentEnvelope, BinaryData, Task>? onMessage)
    {
        try
        {
            return await Eventually.WaitAsync(() => Queue.DrainAsync(onMessage), until, timeout, what, TimeSpan.FromMilliseconds(200));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\nReceived: {string.Join(", ", Queue.Received.Select(r => $"{r.Seq}:{r.Type}"))}\nAgent log:\n{Agent?.Log}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Agent is not null) await Agent.DisposeAsync();
        await Manifest.DisposeAsync();
        Options.DeleteFolders();
    }
}
