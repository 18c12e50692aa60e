using Azure.Storage.Queues;
using Coder.EndToEnd.Tests.Infrastructure;
using Coder.EndToEnd.Tests.Security;
using Coder.Orchestrations.State;

namespace Coder.EndToEnd.Tests.Workspaces;

/// <summary>
/// The bad-input tests' local host, started once for the class (a host per case cost ~12 s each): a template and a
/// stopped workspace whose name the duplicate case collides with. No case may change anything (each asserts so on the
/// tables before and after it), so they can share it.
/// </summary>
public sealed class BadInputHost(TestStorage storage) : IAsyncLifetime
{
    public LocalHostProcess Host { get; } = new(storage.ConnectionString);

    public string ExistingId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await HostStart.StartOrDisposeAsync(Host);
        try
        {
            using var api = Host.Admin();
            await api.CreateTemplateAsync(Templates.Local("basic"));

            // A stopped workspace gives the duplicate-name case something to collide with, and no agent keeps writing.
            ExistingId = await api.CreateWorkspaceAsync("taken", "basic");
            await api.WaitForStatusAsync(ExistingId, "running", TimeSpan.FromSeconds(30));
            await api.PostAsync($"/api/workspaces/{ExistingId}/stop", "");
            await api.WaitForStatusAsync(ExistingId, "stopped", TimeSpan.FromSeconds(30));

            // The stopped agent's last envelopes (shutting_down, off) may still be queued; their ingest writes dedup
            // markers, so the tables are only quiet once both queues are drained.
            var queues = new QueueServiceClient(storage.ConnectionString);
            foreach (string queue in new[] { QueueNames.AgentEvents, QueueNames.WorkspaceSignals })
            {
                var client = queues.GetQueueClient(Host.Prefix + queue);
                await Eventually.WaitAsync(async () => (await client.GetPropertiesAsync()).Value.ApproximateMessagesCount, n => n == 0, TimeSpan.FromSeconds(30), $"queue {queue} to drain");
            }
        }
        catch
        {
            // xunit does not dispose a fixture whose initialization threw.
            await Host.DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
