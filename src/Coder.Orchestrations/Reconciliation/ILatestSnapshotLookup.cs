namespace Coder.Orchestrations.Reconciliation;

/// <summary>
/// Where the reconciler learns each workspace's latest snapshot, so a reprovision restores it instead of starting from
/// the template. Optional: with none registered, reprovisions start from the template.
/// </summary>
public interface ILatestSnapshotLookup
{
    /// <summary>The latest usable snapshot id per workspace id, for the ids asked about (missing ids have none).</summary>
    Task<IReadOnlyDictionary<string, string>> LatestAsync(IReadOnlyCollection<string> workspaceIds, CancellationToken cancellationToken);
}
