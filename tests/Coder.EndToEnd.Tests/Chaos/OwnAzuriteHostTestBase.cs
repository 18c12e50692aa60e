using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Chaos;

/// <summary>
/// A test with an Azurite of its own (never the suite's shared one, since the test stops it) and a local host on it.
/// </summary>
public abstract class OwnAzuriteHostTestBase : IAsyncLifetime
{
    protected OwnAzuriteHostTestBase() => Host = new LocalHostProcess(Azurite.ConnectionString);

    protected StoppableAzurite Azurite { get; } = new();

    protected LocalHostProcess Host { get; }

    public async Task InitializeAsync()
    {
        await Azurite.StartAsync();
        await Host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}
