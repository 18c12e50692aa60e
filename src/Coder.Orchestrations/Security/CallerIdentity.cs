namespace Coder.Orchestrations.Security;

/// <summary>Who is calling: a user with roles. Members act on their own workspaces only.</summary>
/// <param name="User">The user the caller acts as; workspaces are owned by it.</param>
/// <param name="Roles">Coder roles: admin, template-admin, member.</param>
/// <param name="TokenName">The API token's name, or <see cref="EasyAuthTokenName"/> for an App Service principal.</param>
public sealed record CallerIdentity(string User, IReadOnlySet<string> Roles, string TokenName)
{
    public const string EasyAuthTokenName = "easyauth";

    /// <summary>A name to show (an App Service principal's upn or name). Never a key: it can change or be reassigned.</summary>
    public string? DisplayName { get; init; }

    public bool IsAdmin => Roles.Contains(Contracts.Auth.Roles.Admin);

    public bool CanManageTemplates => IsAdmin || Roles.Contains(Contracts.Auth.Roles.TemplateAdmin);

    /// <summary>Admins see every workspace; everyone else only their own.</summary>
    public bool CanSee(string owner) => IsAdmin || string.Equals(owner, User, StringComparison.Ordinal);

    public string Actor => $"user:{User}";

    /// <summary>What rate limits count against: the token, or the user for an App Service principal.</summary>
    public string RateLimitKey => TokenName == EasyAuthTokenName ? $"user:{User}" : $"token:{TokenName}";
}
