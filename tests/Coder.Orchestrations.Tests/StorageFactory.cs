using Coder.Orchestrations.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Tests;

/// <summary>Real tables on the shared Azurite, under a fresh prefix per test class.</summary>
public static class StorageFactory
{
    public static async Task<CoderTables> CreateTablesAsync(TestStorage storage)
    {
        var factory = new StorageClientFactory(Options.Create(new CoderStorageOptions { ConnectionString = storage.ConnectionString, Prefix = TestStorage.NewPrefix() }), new ServiceCollection().BuildServiceProvider());
        var tables = new CoderTables(factory);
        await tables.EnsureCreatedAsync(CancellationToken.None);
        return tables;
    }
}
