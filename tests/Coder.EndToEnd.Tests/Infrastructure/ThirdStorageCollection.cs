namespace Coder.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A third collection on storage of its own (the upgrade, rollout and workspace lifecycle tests), so the classes that each
/// start their own local host spread over three lanes beside the fixtures' collections instead of queueing in two.
/// </summary>
[CollectionDefinition(Name)]
[ExpectedSeconds(500)]
public sealed class ThirdStorageCollection : ICollectionFixture<TestStorage>
{
    public const string Name = "storage-3";
}
