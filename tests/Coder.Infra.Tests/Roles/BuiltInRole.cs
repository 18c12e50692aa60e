namespace Coder.Infra.Tests.Roles;

/// <summary>An Azure built-in role: its display name and role definition id.</summary>
public sealed record BuiltInRole(string Name, Guid Id, string Why);
