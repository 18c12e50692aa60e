namespace Coder.Contracts.Workspaces;

/// <summary><c>GET /api/workspaces/{id}/metrics?window=1h</c>: the buckets of the window, oldest first.</summary>
public sealed record WorkspaceMetricsSeries(string WorkspaceId, string Window, int BucketSeconds, IReadOnlyList<WorkspaceMetricsPoint> Items);
