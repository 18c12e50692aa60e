namespace Coder.Relay.Tests.Infrastructure;

/// <summary>One relay for a test class, with a short pending-connect timeout so an unanswered sender fails fast.</summary>
public sealed class RelayFixture : IAsyncLifetime
{
    public static readonly TimeSpan PendingConnectTimeout = TimeSpan.FromSeconds(2);

    readonly string _directory = Directory.CreateTempSubdirectory("coder-relay-").FullName;
    RelayProcess? _relay;

    public RelayKeys Keys { get; } = new();

    public RelayProcess Relay => _relay ?? throw new InvalidOperationException("The relay is not started.");

    public async Task InitializeAsync()
    {
        _relay = RelayProcess.Start(Keys.WriteKeyFile(_directory), RelayProcess.FreePort(), $"--Relay:PendingConnectTimeout={PendingConnectTimeout}");
        await _relay.WaitHealthyAsync();
    }

    public async Task DisposeAsync()
    {
        if (_relay is not null) await _relay.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
