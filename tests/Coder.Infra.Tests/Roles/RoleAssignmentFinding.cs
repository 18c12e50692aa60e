namespace Coder.Infra.Tests.Roles;

/// <summary>What one role assignment may grant: the allowed roles it resolves to, and any problems.</summary>
public sealed record RoleAssignmentFinding(string Assignment, IReadOnlyList<BuiltInRole> Roles, IReadOnlyList<string> Problems);
