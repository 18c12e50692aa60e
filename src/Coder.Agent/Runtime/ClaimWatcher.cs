using System.Net;
using Coder.Agent.ControlPlane;
using Coder.Agent.Diagnostics;
using Coder.Contracts.Agents;
using Microsoft.Extensions.Logging;

namespace Coder.Agent.Runtime;

/// <summary>
/// The agent of an unclaimed warm-pool member (its manifest says <c>awaitingClaim</c>): long-polls the manifest so a
/// claim reaches it at once. The claim's answer carries the new token (the client rotates to it) and the owner's
/// manifest; the agent then personalizes and reads the manifest once more with the new token, which tells the control
/// plane that the workspace is running.
/// </summary>
public sealed class ClaimWatcher(ManifestState manifest, ManifestClient client, AgentCredential credential, Func<AgentManifest, CancellationToken, Task> personalize, TimeProvider time, ILogger logger)
{
    /// <summary>Below the agent's HTTP timeout (15 s), so a held poll is never cut short by it.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!manifest.Current.AwaitingClaim) return;

        // Done when the token is handed over, not when awaitingClaim clears: the member's own manifest clears it a moment
        // before the handover is ready, and only the handed-over manifest is the owner's.
        string initial = credential.Token;
        while (credential.Token == initial)
        {
            try
            {
                var fetch = await client.FetchAsync(manifest.Current.ConfigVersion, Wait, cancellationToken);
                if (fetch.Manifest is { } next && manifest.TryUpdate(next)) Log.ManifestApplied(logger, next.ConfigVersion, next.Intervals.HeartbeatSeconds, next.Intervals.MetricsSeconds, next.Plugins.Count);
            }
            catch (HttpRequestException e) when (e.StatusCode == HttpStatusCode.Unauthorized && credential.Token != initial)
            {
                // The heartbeat's own poll took the handover first; this poll's old token is revoked.
            }
            catch (Exception ex) when (ManifestClient.IsTransient(ex, cancellationToken))
            {
                Log.ManifestUnavailable(logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
            }
        }

        await personalize(manifest.Current, cancellationToken);
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));
        while (true)
        {
            try
            {
                // A full read (no If-None-Match) with the new token: the control plane's sign that personalizing is done.
                var confirmed = await client.FetchAsync(null, cancellationToken);
                if (confirmed.Manifest is { } latest) manifest.TryUpdate(latest);
                return;
            }
            catch (Exception ex) when (ManifestClient.IsTransient(ex, cancellationToken))
            {
                Log.ManifestUnavailable(logger, ex);
                await Task.Delay(backoff.Next(), time, cancellationToken);
            }
        }
    }
}
