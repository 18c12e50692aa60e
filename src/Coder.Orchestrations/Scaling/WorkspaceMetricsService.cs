using System.Globalization;
using System.Text.RegularExpressions;
using Coder.Contracts.Workspaces;
using Coder.Orchestrations.Agents.Metrics;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Security;

namespace Coder.Orchestrations.Scaling;

/// <summary><c>GET /api/workspaces/{id}/metrics?window=1h</c>: the workspace's history over a window, for the caller who may see it.</summary>
public sealed partial class WorkspaceMetricsService(WorkspaceAccess workspaces, WorkspaceMetricsHistory history)
{
    public const string DefaultWindow = "1h";

    public async Task<WorkspaceMetricsSeries> GetAsync(CallerIdentity caller, string workspaceId, string? window, CancellationToken cancellationToken)
    {
        string text = string.IsNullOrEmpty(window) ? DefaultWindow : window;
        if (ParseWindow(text) is not { } length || length < history.BucketLength || length > history.Retention)
        {
            throw CoderProblemException.Validation("window", string.Create(CultureInfo.InvariantCulture,
                $"A duration like 90s, 30m, 1h or 24h, from {history.BucketLength.TotalSeconds:0} s to {history.Retention.TotalHours:0.##} h."));
        }

        var (workspace, buckets) = await workspaces.FindVisibleWithAsync(caller, workspaceId, (id, ct) => history.ReadAsync(id, length, ct), cancellationToken);
        var items = buckets.Select(b => new WorkspaceMetricsPoint(
            b.Start, b.Samples, Math.Round(b.CpuPercent, 2), Math.Round(b.CpuPercentMax, 2), Math.Round(b.MemoryPercent, 2), Math.Round(b.MemoryPercentMax, 2),
            b.SessionsMax, b.OomKills, b.Cpu, b.MemoryMiB)).ToList();
        return new WorkspaceMetricsSeries(workspace.RowKey, text, (int)history.BucketLength.TotalSeconds, items);
    }

    /// <summary><c>90s</c>, <c>30m</c>, <c>1h</c>, <c>1d</c>; null when it is not one.</summary>
    public static TimeSpan? ParseWindow(string text)
    {
        var m = WindowPattern().Match(text);
        if (!m.Success || !int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n <= 0) return null;
        return m.Groups[2].Value switch
        {
            "s" => TimeSpan.FromSeconds(n),
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            _ => TimeSpan.FromDays(n),
        };
    }

    [GeneratedRegex(@"^([0-9]{1,6})([smhd])\z")]
    private static partial Regex WindowPattern();
}
