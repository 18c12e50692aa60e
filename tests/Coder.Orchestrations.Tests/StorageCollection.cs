namespace Coder.Orchestrations.Tests;

[CollectionDefinition(Name)]
public sealed class StorageCollection : ICollectionFixture<TestStorage>
{
    public const string Name = "storage";
}
