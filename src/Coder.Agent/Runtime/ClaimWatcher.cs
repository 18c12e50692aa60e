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

    // Taken when the watcher is made (at the agent's start), not when a run starts: the routine group restarts a run that
    // failed, and by then the manifest may no longer say awaitingClaim although the handover is not confirmed yet.
    readonly bool _member = manifest.Current.AwaitingClaim;
    readonly string _initial = credential.Token;
    bool _confirmed;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!_member || _confirmed) return;

        // Done when the token is handed over, not when awaitingClaim clears: the member's own manifest clears it a moment
        // before the handover is ready, and only the handed-over manifest is the owner's.
        while (credential.Token == _initial)
        {
            try
            {
                var fetch = await client.FetchAsync(manifest.Current.ConfigVersion, Wait, cancellationToken);
                if (fetch.Manifest is { } next && manifest.TryUpdate(next)) Log.ManifestApplied(logger, next.ConfigVersion, next.Intervals.HeartbeatSeconds, next.Intervals.MetricsSeconds, next.Plugins.Count);
            }
            catch (HttpRequestException e) when (e.StatusCode == HttpStatusCode.Unauthorized && credential.Token != _initial)
            {
                // The heartbeat's own poll took the handover first; this poll's old token is revoked.
            }
            catch (Exception ex) when (ManifestClient.IsTransient(ex, cancellationToken))
            {
                Log.ManifestUnavailable(logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
            }
        }

        try
        {
            await personalize(manifest.Current, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // A failed dotfiles clone must not leave the workspace starting: it runs, and the failure is reported.
            Log.PersonalizeFailed(logger, ex);
        }

        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));
        while (true)
        {
            try
            {
                // A full read (no If-None-Match) with the new token: the control plane's sign that personalizing is done.
                var confirmed = await client.FetchAsync(null, cancellationToken);
                if (confirmed.Manifest is { } latest) manifest.TryUpdate(latest);
                _confirmed = true;
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
