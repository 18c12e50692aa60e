namespace Coder.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A second collection on the same storage, so two halves of the e2e suite run side by side: each test class has its own
/// local host, deployment prefix and data folder, so they share nothing but the emulator.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SecondStorageCollection : ICollectionFixture<TestStorage>
{
    public const string Name = "storage-2";
}
