namespace Coder.Contracts.Workspaces;

/// <summary>Settings stored on the workspace that its running build does not have yet, and when they apply.</summary>
public sealed record WorkspacePendingChanges(string AppliesOn, IReadOnlyList<string> Parameters)
{
    public const string NextStart = "next-start";
}
