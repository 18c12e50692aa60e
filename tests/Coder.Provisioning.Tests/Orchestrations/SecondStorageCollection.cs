namespace Coder.Provisioning.Tests.Orchestrations;

/// <summary>A second collection on the same storage, so the ACI and VM orchestration runs (each its own local host and prefix) overlap.</summary>
[CollectionDefinition(Name)]
public sealed class SecondStorageCollection : ICollectionFixture<TestStorage>
{
    public const string Name = "storage-2";
}
