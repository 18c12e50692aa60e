namespace Coder.EndToEnd.Tests.Security;

/// <summary>The columns of the auth matrix.</summary>
public enum Caller
{
    NoToken,
    Expired,
    Revoked,
    MemberOwner,
    MemberOther,
    TemplateAdmin,
    Admin,
    Agent,
}
