using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Security;

/// <summary>The access-control and agent-token tests share one local host with its users, templates and agents.</summary>
[CollectionDefinition(Name)]
[ExpectedSeconds(280)]
public sealed class SecurityCollection : ICollectionFixture<SecurityHost>
{
    public const string Name = "security";
}
