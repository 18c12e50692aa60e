using Coder.Contracts.Agents;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Agents;

namespace Coder.Orchestrations.Prebuilds;

/// <summary>
/// <c>GET /api/agent/manifest</c> with the warm pool's two additions:
/// <list type="bullet">
/// <item>A member's agent long-polls (<c>?wait=</c> seconds, with <c>If-None-Match</c>): the answer comes when its
/// manifest changes (a claim), at once on this instance, within <see cref="RecheckEvery"/> on another.</item>
/// <item>After a claim, the member's old token gets, once, the manifest of its new owner with the new token in it
/// (<see cref="AgentTokenService.HandOverAsync"/> retires the old one in the same write; a lost answer can be redeemed
/// again after <see cref="AgentTokenService.RedeemAgainAfter"/>); the agent's first full read
/// with the new token, after it personalized, makes the workspace running (<see cref="PrebuildClaimer.ConfirmAsync"/>).</item>
/// </list>
/// </summary>
public sealed class AgentManifestWaiter(AgentManifestService manifests, AgentTokenService tokens, PrebuildClaimer claims, ManifestChangeSignal signal, TimeProvider time)
{
    public const int MaxWaitSeconds = 30;
    public static readonly TimeSpan RecheckEvery = TimeSpan.FromSeconds(1);

    /// <summary>The manifest for the token (null: 401). <paramref name="knownVersion"/> is the agent's config version (If-None-Match, unquoted).</summary>
    public async Task<AgentManifest?> GetAsync(string? token, string? knownVersion, TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + wait;
        while (true)
        {
            // A pool member's token, or one already handed over (it authenticates nothing, but may redeem a lost handover).
            var principal = await tokens.FindAsync(token, cancellationToken);
            if ((principal is null || principal.Owner == PrebuildPool.Owner) && token is not null && await tokens.HandOverAsync(token, cancellationToken) is { } rotated)
            {
                var handed = await manifests.GetAsync(rotated, cancellationToken);
                return handed is null ? null : handed with { Token = rotated };
            }

            if (principal is null) return null;

            if (await manifests.GetWithWorkspaceAsync(token, cancellationToken) is not var (manifest, workspace)) return null;

            // A full read (no version known) with the token the claim handed over: the agent has personalized.
            if (knownVersion is null && workspace.PoolClaim is not null && workspace.IsIn(WorkspaceStatus.Starting)) await claims.ConfirmAsync(workspace, cancellationToken);
            var left = deadline - time.GetUtcNow();
            if (!manifest.AwaitingClaim || manifest.ConfigVersion != knownVersion || left <= TimeSpan.Zero) return manifest;
            await signal.WaitAsync(workspace.RowKey, left < RecheckEvery ? left : RecheckEvery, time, cancellationToken);
        }
    }
}
