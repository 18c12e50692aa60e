using Coder.Orchestrations.Events;
using Coder.Orchestrations.Security;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Tests.Events;

public sealed class WebhookAuthenticatorTests
{
    static WebhookAuthenticator With(string? key, params string[] principals) => With(key, trustEasyAuth: true, principals);

    static WebhookAuthenticator With(string? key, bool trustEasyAuth, params string[] principals)
    {
        var options = new EventGridOptions { WebhookKey = key };
        foreach (string p in principals) options.EntraPrincipalIds.Add(p);
        return new WebhookAuthenticator(Options.Create(options), Options.Create(new SecurityOptions { TrustEasyAuth = trustEasyAuth }));
    }

    [Fact]
    public void Key_OnlyTheExactKeyIsAccepted()
    {
        var auth = With("s3cret-key-0123456789");
        Assert.True(auth.IsAuthorized("s3cret-key-0123456789", null));
        Assert.False(auth.IsAuthorized("s3cret-key-012345678", null));
        Assert.False(auth.IsAuthorized("S3CRET-KEY-0123456789", null));
        Assert.False(auth.IsAuthorized("", null));
        Assert.False(auth.IsAuthorized(null, null));
    }

    [Fact]
    public void NoKeyConfigured_RefusesEverything()
    {
        var auth = With(null);
        Assert.False(auth.IsAuthorized("", null));
        Assert.False(auth.IsAuthorized("anything", "some-principal"));
    }

    [Fact]
    public void EntraPrincipal_OnlyAnAllowedOneIsAccepted()
    {
        var auth = With(null, "11111111-2222-3333-4444-555555555555");
        Assert.True(auth.IsAuthorized(null, "11111111-2222-3333-4444-555555555555"));
        Assert.False(auth.IsAuthorized(null, "99999999-2222-3333-4444-555555555555"));
    }

    [Fact]
    public void EntraPrincipal_IsIgnored_UnlessAppServiceAuthenticationIsTrusted()
    {
        // Without App Service Authentication in front, anyone can send the header.
        var auth = With("s3cret-key-0123456789", trustEasyAuth: false, "11111111-2222-3333-4444-555555555555");
        Assert.False(auth.IsAuthorized(null, "11111111-2222-3333-4444-555555555555"));
        Assert.True(auth.IsAuthorized("s3cret-key-0123456789", null));
    }
}
