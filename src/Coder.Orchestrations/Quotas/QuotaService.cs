using Coder.Contracts.Quotas;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Security;

namespace Coder.Orchestrations.Quotas;

/// <summary>The quota routes' logic: admins set limits (an owner's or the default's); an owner reads their own.</summary>
public sealed class QuotaService(QuotaLedger ledger)
{
    /// <summary>The path name of the default limits.</summary>
    public const string Default = "default";

    public async Task<QuotaResponse> GetAsync(CallerIdentity caller, string owner, CancellationToken cancellationToken)
    {
        if (owner == Default) return new QuotaResponse(Default, await ledger.StoredLimitsAsync(QuotaLimitsEntity.DefaultOwner, cancellationToken), null);

        // Someone else's quota is as absent as their workspaces.
        if (!caller.CanSee(owner)) throw CoderProblemException.NotFound($"Quota of '{owner}'");
        var limits = ledger.LimitsAsync(owner, cancellationToken);
        var usage = await ledger.UsageAsync(owner, cancellationToken);
        return new QuotaResponse(owner, await limits, usage);
    }

    public async Task<QuotaResponse> SetAsync(CallerIdentity caller, string owner, QuotaLimits? limits, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (limits is null) errors.Add("body", "Required.");
        if (limits?.MaxWorkspaces is < 0) errors.Add("maxWorkspaces", "Zero or more.");
        if (limits?.MaxRunningWorkspaces is < 0) errors.Add("maxRunningWorkspaces", "Zero or more.");
        if (limits?.MaxCpu is { } cpu && (cpu < 0 || !double.IsFinite(cpu))) errors.Add("maxCpu", "Zero or more.");
        if (limits?.MaxMemoryMiB is < 0) errors.Add("maxMemoryMiB", "Zero or more.");
        errors.ThrowIfAny();
        await ledger.SetLimitsAsync(owner == Default ? QuotaLimitsEntity.DefaultOwner : owner, limits!, caller.Actor, cancellationToken);
        return await GetAsync(caller, owner, cancellationToken);
    }
}
