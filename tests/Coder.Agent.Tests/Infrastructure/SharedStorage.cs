namespace Coder.Agent.Tests.Infrastructure;

/// <summary>
/// One Azurite for the whole assembly, shared by test classes that run in parallel: <c>CODER_TEST_STORAGE</c> when set,
/// else one started on first use. xunit 2 has no assembly fixture, so a watchdog stops it when the test process exits.
/// </summary>
public static class SharedStorage
{
    static readonly Lazy<Task<string>> Storage = new(StartAsync);

    public static Task<string> ConnectionStringAsync() => Storage.Value;

    static async Task<string> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("CODER_TEST_STORAGE") is { Length: > 0 } given) return given;
        var azurite = new StoppableAzurite();
        await azurite.StartAsync();
        return azurite.ConnectionString;
    }
}
