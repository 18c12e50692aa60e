namespace Coder.EndToEnd.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class StorageCollection : ICollectionFixture<TestStorage>
{
    public const string Name = "storage";
}
