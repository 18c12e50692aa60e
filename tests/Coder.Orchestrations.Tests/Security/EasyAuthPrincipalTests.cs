using System.Text;
using Coder.Orchestrations.Security;

namespace Coder.Orchestrations.Tests.Security;

public sealed class EasyAuthPrincipalTests
{
    static readonly IReadOnlyDictionary<string, string> Map = new SecurityOptions().EntraRoles;

    static string Encode(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Parse_MapsEntraAppRolesAndTheUser()
    {
        var caller = EasyAuthPrincipal.Parse(Encode("""
            {"auth_typ":"aad","claims":[
              {"typ":"http://schemas.microsoft.com/ws/2008/06/identity/claims/role","val":"Coder.TemplateAdmin"},
              {"typ":"http://schemas.microsoft.com/ws/2008/06/identity/claims/role","val":"Coder.Member"},
              {"typ":"preferred_username","val":"Dana@Example.com"}],
             "role_typ":"http://schemas.microsoft.com/ws/2008/06/identity/claims/role"}
            """), Map);
        Assert.NotNull(caller);
        Assert.Equal("dana@example.com", caller.User);
        Assert.True(caller.CanManageTemplates);
        Assert.False(caller.IsAdmin);
        Assert.Equal(CallerIdentity.EasyAuthTokenName, caller.TokenName);
    }

    [Theory]
    [InlineData("""{"claims":[{"typ":"roles","val":"Some.Role"},{"typ":"preferred_username","val":"x"}]}""")]
    [InlineData("""{"claims":[{"typ":"roles","val":"Coder.Admin"}]}""")]
    [InlineData("""{"claims":[{"typ":"roles","val":"Coder.Admin"},{"typ":"preferred_username","val":"../../etc"}]}""")]
    [InlineData("""{"claims":"nope"}""")]
    [InlineData("""[1,2,3]""")]
    public void Parse_WithoutAMappedRoleOrASafeUser_GrantsNothing(string json) => Assert.Null(EasyAuthPrincipal.Parse(Encode(json), Map));

    [Theory]
    [InlineData("not base64!")]
    [InlineData("")]
    [InlineData(null)]
    public void Parse_Garbage_GrantsNothing(string? header) => Assert.Null(EasyAuthPrincipal.Parse(header, Map));
}
