using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Prebuilds;

[CollectionDefinition(Name)]
[ExpectedSeconds(170)]
public sealed class PrebuildCollection : ICollectionFixture<PrebuildHost>
{
    public const string Name = "Prebuilds";
}
