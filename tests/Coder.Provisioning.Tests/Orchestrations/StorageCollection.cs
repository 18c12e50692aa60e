namespace Coder.Provisioning.Tests.Orchestrations;

/// <summary>One Azurite for the orchestration tests (the one CODER_TEST_STORAGE names, or one started here).</summary>
[CollectionDefinition(Name)]
public sealed class StorageCollection : ICollectionFixture<TestStorage>
{
    public const string Name = "storage";
}
