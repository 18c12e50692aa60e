namespace Coder.Cli.Tests.Infrastructure;

/// <summary>The CLI tests share one relay, control plane and set of agent endpoints.</summary>
[CollectionDefinition(Name)]
public sealed class ConnectCollection : ICollectionFixture<ConnectFixture>
{
    public const string Name = "connect";
}
