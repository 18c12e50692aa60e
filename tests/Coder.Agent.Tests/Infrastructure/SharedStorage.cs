namespace Coder.Agent.Tests.Infrastructure;

/// <summary>
/// One Azurite for the whole assembly (or <c>CODER_TEST_STORAGE</c>), shared by test classes that run in parallel; xunit 2
/// has no assembly fixture, so it starts on first use and stops when the test process exits.
/// </summary>
public static class SharedStorage
{
    static readonly Lazy<Task<TestStorage>> Storage = new(StartAsync);

    public static async Task<string> ConnectionStringAsync() => (await Storage.Value).ConnectionString;

    static async Task<TestStorage> StartAsync()
    {
        var storage = new TestStorage();
        await storage.InitializeAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => storage.DisposeAsync().GetAwaiter().GetResult();
        return storage;
    }
}
