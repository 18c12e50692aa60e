namespace Coder.EndToEnd.Tests.Prebuilds;

[CollectionDefinition(Name)]
public sealed class PrebuildCollection : ICollectionFixture<PrebuildHost>
{
    public const string Name = "Prebuilds";
}
