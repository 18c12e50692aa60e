using System.Text;
using Coder.Orchestrations.Security;

namespace Coder.Orchestrations.Tests.Security;

public sealed class EasyAuthPrincipalTests
{
    static readonly SecurityOptions Map = new();

    const string Tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    const string Object = "0b8e7a6c-1d2e-4f30-9a41-5b6c7d8e9f01";
    const string Ids = $$"""{"typ":"http://schemas.microsoft.com/identity/claims/tenantid","val":"{{Tenant}}"},{"typ":"http://schemas.microsoft.com/identity/claims/objectidentifier","val":"{{Object}}"}""";

    static string Encode(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Parse_MapsEntraAppRolesAndTheUser()
    {
        var caller = EasyAuthPrincipal.Parse(Encode($$"""
            {"auth_typ":"aad","claims":[{{Ids}},
              {"typ":"http://schemas.microsoft.com/ws/2008/06/identity/claims/role","val":"Coder.TemplateAdmin"},
              {"typ":"http://schemas.microsoft.com/ws/2008/06/identity/claims/role","val":"Coder.Member"},
              {"typ":"preferred_username","val":"Dana@Example.com"}],
             "role_typ":"http://schemas.microsoft.com/ws/2008/06/identity/claims/role"}
            """), Map);
        Assert.NotNull(caller);
        Assert.Equal($"{Tenant}.{Object}", caller.User);
        Assert.Equal("Dana@Example.com", caller.DisplayName);
        Assert.True(caller.CanManageTemplates);
        Assert.False(caller.IsAdmin);
        Assert.Equal(CallerIdentity.EasyAuthTokenName, caller.TokenName);
    }

    [Theory]
    [InlineData("""{"claims":[{"typ":"roles","val":"Some.Role"},{"typ":"preferred_username","val":"x"}]}""")]
    [InlineData("""{"claims":[{"typ":"roles","val":"Coder.Admin"}]}""")]
    [InlineData("""{"claims":[{"typ":"roles","val":"Coder.Admin"},{"typ":"preferred_username","val":"dana@example.com"}]}""")]
    [InlineData("""{"claims":[{"typ":"roles","val":"Coder.Admin"},{"typ":"oid","val":"not-a-guid"},{"typ":"tid","val":"72f988bf-86f1-41af-91ab-2d7cd011db47"}]}""")]
    [InlineData("""{"claims":[{"typ":"roles","val":"Coder.Admin"},{"typ":"preferred_username","val":"../../etc"}]}""")]
    [InlineData("""{"claims":"nope"}""")]
    [InlineData("""[1,2,3]""")]
    public void Parse_WithoutAMappedRoleOrASafeUser_GrantsNothing(string json) => Assert.Null(EasyAuthPrincipal.Parse(Encode(json), Map));

    [Theory]
    [InlineData("not base64!")]
    [InlineData("")]
    [InlineData(null)]
    public void Parse_Garbage_GrantsNothing(string? header) => Assert.Null(EasyAuthPrincipal.Parse(header, Map));

    [Fact]
    public void Parse_KeysByTenantAndObjectId_NotByTheMutableName()
    {
        string Principal(string name) => Encode($$"""{"claims":[{"typ":"roles","val":"Coder.Member"},{"typ":"name","val":"{{name}}"},{"typ":"tid","val":"{{Tenant}}"},{"typ":"oid","val":"{{Object.ToUpperInvariant()}}"}]}""");
        var before = EasyAuthPrincipal.Parse(Principal("Dana Smith"), Map);
        var renamed = EasyAuthPrincipal.Parse(Principal("Dana Jones"), Map);
        Assert.NotNull(before);
        Assert.Equal(before.User, renamed?.User);
        Assert.Equal($"{Tenant}.{Object}", before.User);
        Assert.Equal("Dana Jones", renamed!.DisplayName);

        // Another user who takes the old name is someone else.
        string other = Encode($$"""{"claims":[{"typ":"roles","val":"Coder.Member"},{"typ":"name","val":"Dana Smith"},{"typ":"tid","val":"{{Tenant}}"},{"typ":"oid","val":"11111111-2222-3333-4444-555555555555"}]}""");
        Assert.NotEqual(before.User, EasyAuthPrincipal.Parse(other, Map)?.User);
    }

    [Fact]
    public void Parse_AListedAdminPrincipal_IsAdmin_EvenWithoutAnAppRole()
    {
        var options = new SecurityOptions { AdminPrincipalIds = $" 99999999-0000-0000-0000-000000000000 , {Object.ToUpperInvariant()}" };
        string noRole = Encode($$"""{"claims":[{{Ids}},{"typ":"name","val":"First Admin"}]}""");
        string member = Encode($$"""{"claims":[{{Ids}},{"typ":"roles","val":"Coder.Member"}]}""");

        Assert.True(EasyAuthPrincipal.Parse(noRole, options)?.IsAdmin);
        Assert.True(EasyAuthPrincipal.Parse(member, options)?.IsAdmin);
        Assert.Null(EasyAuthPrincipal.Parse(noRole, Map));
        Assert.False(EasyAuthPrincipal.Parse(member, Map)?.IsAdmin);
    }
}
