namespace Coder.Provisioning.Tests.FakeArm;

/// <summary>A role assignment the fake holds: the scope it is made at, its name, who gets which role.</summary>
public sealed record FakeRoleAssignment(string Scope, string Name, string PrincipalId, string RoleDefinitionId, string? PrincipalType)
{
    /// <summary>The role definition's GUID (the last segment of its id).</summary>
    public Guid Role => Guid.Parse(RoleDefinitionId[(RoleDefinitionId.LastIndexOf('/') + 1)..]);
}
