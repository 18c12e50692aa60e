namespace Coder.EndToEnd.Tests.Prebuilds;

/// <summary>A pool member's row as stored.</summary>
public sealed record PoolRow(string Id, int Version, string Status, string? OperationId, string? Claim)
{
    public bool IsReady => Status == "running" && OperationId is null && Claim is null;
}
