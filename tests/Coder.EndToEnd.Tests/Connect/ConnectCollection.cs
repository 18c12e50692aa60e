using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Connect;

/// <summary>
/// The connect tests share one host, its relay and one running workspace (starting them is most of their cost); they run
/// one after another, beside the other collections.
/// </summary>
[CollectionDefinition(Name)]
[ExpectedSeconds(80)]
public sealed class ConnectCollection : ICollectionFixture<ConnectFixture>
{
    public const string Name = "connect";
}
