namespace Coder.EndToEnd.Tests.Infrastructure;

/// <summary>Test classes that each start a local host of their own, on the emulator this collection starts.</summary>
[CollectionDefinition(Name)]
[ExpectedSeconds(430)]
public sealed class StorageCollection : ICollectionFixture<TestStorage>
{
    public const string Name = "storage";
}
