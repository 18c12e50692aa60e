namespace Coder.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A third collection on the same storage, beside <see cref="StorageCollection"/> and <see cref="SecondStorageCollection"/>:
/// the suite's long tests mostly wait on periods and agents, not on the CPU, so three run side by side.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ThirdStorageCollection : ICollectionFixture<TestStorage>
{
    public const string Name = "storage-3";
}
