using System.Diagnostics.Metrics;

namespace Coder.Orchestrations.Security;

/// <summary>Security counters on the <c>Coder.Security</c> meter, for OpenTelemetry or dotnet-counters.</summary>
public sealed class SecurityMetrics : IDisposable
{
    public const string MeterName = "Coder.Security";
    public const string AgentTokenRejectedName = "coder.agent.token.rejected";
    public const string RateLimitedName = "coder.api.rate_limited";

    readonly Meter _meter;
    readonly Counter<long> _agentTokenRejected;
    readonly Counter<long> _rateLimited;

    public SecurityMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _agentTokenRejected = _meter.CreateCounter<long>(AgentTokenRejectedName, "{message}", "Agent messages refused because their token does not belong to the workspace they name.");
        _rateLimited = _meter.CreateCounter<long>(RateLimitedName, "{request}", "Mutating requests refused with 429.");
    }

    /// <summary>A message named one workspace but carried another workspace's token (or a token of a replaced build).</summary>
    public void AgentTokenRejected(string reason) => _agentTokenRejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void RateLimited() => _rateLimited.Add(1);

    public void Dispose() => _meter.Dispose();
}
