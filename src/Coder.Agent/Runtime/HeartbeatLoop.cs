using Coder.Agent.Outbox;
using Coder.Contracts.Agents;
using Coder.Contracts.Json;

namespace Coder.Agent.Runtime;

/// <summary>
/// The heartbeat routine: append a heartbeat to the outbox, make sure the manifest is current, wait out the interval the
/// manifest hands out (a new interval takes effect while waiting). The manifest is polled only when the control plane has
/// not said its config version since the last beat: the HTTP transport's replies carry it (and a new one triggers the
/// fetch at once), so an agent on HTTP posts one request per heartbeat rather than two; on the queue transports, which
/// learn nothing from a send, every beat polls.
/// </summary>
public sealed class HeartbeatLoop(ManifestState manifest, EventOutbox outbox, EventSender sender, string replica, DateTimeOffset startedAt, TimeProvider time,
    Func<CancellationToken, Task> refreshManifest)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        long heard = -1;
        while (true)
        {
            var beatAt = time.GetUtcNow();
            outbox.Append(AgentEventTypes.Heartbeat,
                new HeartbeatPayload(manifest.Current.ConfigVersion, (long)(beatAt - startedAt).TotalSeconds, replica),
                CoderJsonContext.Default.HeartbeatPayload);
            long now = sender.ConfigVersionsHeard;
            if (now == heard) await refreshManifest(cancellationToken);
            heard = now;
            while (!await IntervalWait.UntilAsync(beatAt + manifest.HeartbeatInterval, time, manifest.ChangeToken, cancellationToken))
            {
                // The interval changed while waiting: wait again against the new one.
            }
        }
    }
}
