namespace Coder.Infra.Tests.Roles;

/// <summary>
/// What one role assignment may grant: the allowed roles it resolves to, the roles its condition lets the holder assign
/// to others (for a delegating role such as Role Based Access Control Administrator), and any problems.
/// </summary>
public sealed record RoleAssignmentFinding(string Assignment, IReadOnlyList<BuiltInRole> Roles, IReadOnlyList<string> Problems)
{
    public IReadOnlyList<BuiltInRole> DelegatedRoles { get; init; } = [];
}
