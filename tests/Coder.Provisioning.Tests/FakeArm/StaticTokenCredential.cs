using Azure.Core;

namespace Coder.Provisioning.Tests.FakeArm;

/// <summary>The test's credential: a fixed bearer token the fake ARM insists on.</summary>
public sealed class StaticTokenCredential : TokenCredential
{
    public const string Token = "contract-test-token";

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(Token, DateTimeOffset.UtcNow.AddHours(1));

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
