namespace Coder.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A second collection like <see cref="StorageCollection"/> (see also <see cref="ThirdStorageCollection"/>), so its classes
/// run side by side with the first's: each test class has its own local host, deployment prefix and data folder, so they
/// share nothing but the emulator.
/// </summary>
[CollectionDefinition(Name)]
[ExpectedSeconds(350)]
public sealed class SecondStorageCollection : ICollectionFixture<TestStorage>
{
    public const string Name = "storage-2";
}
