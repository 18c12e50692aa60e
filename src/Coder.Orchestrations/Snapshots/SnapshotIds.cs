using Coder.Orchestrations.Common;

namespace Coder.Orchestrations.Snapshots;

/// <summary>Snapshot ids carry their workspace (<c>sn-{workspace}-{random}</c>), so one id finds its row in one point read.</summary>
public static class SnapshotIds
{
    public static string New(string workspaceId) => $"sn-{workspaceId["ws-".Length..]}-{Ids.Random(8)}";

    /// <summary>The workspace a snapshot id belongs to, or null when the id is malformed.</summary>
    public static string? WorkspaceOf(string snapshotId)
    {
        if (!snapshotId.StartsWith("sn-", StringComparison.Ordinal) || snapshotId.Length > 64) return null;
        int dash = snapshotId.LastIndexOf('-');
        if (dash <= 3) return null;
        string workspace = snapshotId[3..dash];
        return workspace.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)) && workspace.Length > 0 ? "ws-" + workspace : null;
    }
}
