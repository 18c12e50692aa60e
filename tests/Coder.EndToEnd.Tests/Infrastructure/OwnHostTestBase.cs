namespace Coder.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A test class whose every test gets a local host of its own (xUnit makes a class instance per test), started with
/// settings no shared host may have, such as a short reconcile period.
/// </summary>
public abstract class OwnHostTestBase(LocalHostProcess host) : IAsyncLifetime
{
    protected LocalHostProcess Host { get; } = host;

    public async Task InitializeAsync()
    {
        try
        {
            await Host.StartAsync();
        }
        catch
        {
            // xUnit does not dispose a class whose initialization failed; the host process must not outlive the test.
            await Host.DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
