namespace Coder.Contracts.Quotas;

/// <summary>GET /api/quotas/{owner}: the limits in force (the owner's own over the default) and the current usage (null for <c>default</c>).</summary>
public sealed record QuotaResponse(string Owner, QuotaLimits Limits, QuotaUsage? Usage);
