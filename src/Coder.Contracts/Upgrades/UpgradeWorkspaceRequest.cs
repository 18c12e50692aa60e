namespace Coder.Contracts.Upgrades;

/// <summary>Body of <c>POST /api/workspaces/{id}/upgrade</c>. Without a version the template's active version is used.</summary>
public sealed record UpgradeWorkspaceRequest
{
    public int? Version { get; init; }
    public UpgradeStrategy? Strategy { get; init; }

    /// <summary>Values for parameters the new version adds (or changes the rules of); the others carry over.</summary>
    public IReadOnlyDictionary<string, System.Text.Json.JsonElement>? Parameters { get; init; }
}
