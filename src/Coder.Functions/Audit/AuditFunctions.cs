using System.Globalization;
using Coder.Functions.Http;
using Coder.Orchestrations.Audit;
using Coder.Orchestrations.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Coder.Functions.Audit;

/// <summary>
/// GET /api/audit?from=&amp;to=&amp;max=&amp;actor=&amp;continuationToken= (admin): audit rows newest first, only the
/// actor's when given, <c>max</c> a page with a continuation token for the next. Defaults: the last 24 hours, 500 rows.
/// </summary>
public sealed class AuditFunctions(ApiPipeline api, AuditLog audit, TimeProvider time)
{
    [ApiQuery("from", "ISO 8601; default: 24 hours before to.")]
    [ApiQuery("to", "ISO 8601; default: now.")]
    [ApiQuery("max", "Rows per page, 1 to 1000; default 500.", IsInteger = true)]
    [ApiQuery("actor", "Only this actor's rows.")]
    [ApiQuery("continuationToken", "The previous page's token.")]
    [ApiResponse(200, typeof(Coder.Contracts.ItemsPage<AuditEntryView>))]
    [Function(nameof(GetAudit))]
    public Task<IActionResult> GetAudit([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "audit")] HttpRequest req) =>
        api.RunAsync(req, async (caller, ct) =>
        {
            if (!caller.IsAdmin) throw CoderProblemException.Forbidden("Reading the audit log needs the admin role.");
            var errors = new ValidationErrors();
            var now = time.GetUtcNow();
            var to = Instant(req.Query["to"].FirstOrDefault(), "to", now, errors);
            var from = Instant(req.Query["from"].FirstOrDefault(), "from", to.AddDays(-1), errors);
            int max = 500;
            if (req.Query["max"].FirstOrDefault() is { } m && (!int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out max) || max is < 1 or > AuditLog.MaxItems))
                errors.Add("max", $"Between 1 and {AuditLog.MaxItems}.");
            if (!errors.Any && from > to) errors.Add("from", "Must not be after 'to'.");
            if (!errors.Any && to - from > TimeSpan.FromDays(AuditLog.MaxRange)) errors.Add("from", $"The range is at most {AuditLog.MaxRange} days.");
            errors.ThrowIfAny();
            return ApiResult.Ok(await audit.QueryAsync(from, to, max, req.Query["actor"].FirstOrDefault(), req.Query["continuationToken"].FirstOrDefault(), ct));
        });

    static DateTimeOffset Instant(string? value, string field, DateTimeOffset fallback, ValidationErrors errors)
    {
        if (value is null) return fallback;
        if (value.Length <= 64 && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            && parsed.Year is >= 2000 and <= 9000) return parsed;
        errors.Add(field, "An ISO 8601 date-time.");
        return fallback;
    }
}
