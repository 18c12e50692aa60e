using Coder.Contracts.Auth;

namespace Coder.Orchestrations.Security;

/// <summary>Who is calling: a user with roles. Members act on their own workspaces only.</summary>
public sealed record CallerIdentity(string User, IReadOnlySet<string> Roles, string TokenName)
{
    public bool IsAdmin => Roles.Contains(Contracts.Auth.Roles.Admin);

    public bool CanManageTemplates => IsAdmin || Roles.Contains(Contracts.Auth.Roles.TemplateAdmin);

    /// <summary>Admins see every workspace; everyone else only their own.</summary>
    public bool CanSee(string owner) => IsAdmin || string.Equals(owner, User, StringComparison.Ordinal);

    public string Actor => $"user:{User}";
}
