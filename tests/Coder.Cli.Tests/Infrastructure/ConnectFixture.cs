
namespace Coder.Cli.Tests.Infrastructure;

/// <summary>
/// One real relay process, the stand-in control plane, and agent endpoints for four workspaces: <c>dev</c> (served),
/// <c>flaky</c> (served; tests drop its connections), <c>busy</c> (the agent refuses every sender with 429) and
/// <c>stopped</c> (the control plane answers 409).
/// </summary>
public sealed class ConnectFixture : IAsyncLifetime
{
    public const string DevId = "ws-dev0001";
    public const string FlakyId = "ws-flaky001";
    public const string BusyId = "ws-busy0001";
    public const string StoppedId = "ws-stop0001";

    readonly string _directory = Directory.CreateTempSubdirectory("coder-cli-relay-").FullName;
    RelayProcess? _relay;

    public RelayKeys Keys { get; } = new();

    public FakeControlPlane ControlPlane { get; private set; } = null!;

    public AgentEndpoint Dev { get; private set; } = null!;

    public AgentEndpoint Flaky { get; private set; } = null!;

    AgentEndpoint Busy { get; set; } = null!;

    public async Task InitializeAsync()
    {
        _relay = RelayProcess.Start(Keys.WriteKeyFile(_directory), RelayProcess.FreePort());
        await _relay.WaitHealthyAsync();
        ControlPlane = new FakeControlPlane(_relay.Address, Keys, [(DevId, "dev", "running"), (FlakyId, "flaky", "running"), (BusyId, "busy", "running"), (StoppedId, "stopped", "stopped")]);
        await ControlPlane.StartAsync();
        Dev = new AgentEndpoint(_relay.Address, DevId, Keys);
        // The agent's shells inherit this process's environment; in a workspace HOME is the workspace's, not this
        // machine's, whose rc files are no part of the test (and may block, as a pyenv lock did here for a minute).
        Environment.SetEnvironmentVariable("HOME", Dev.Home);
        Flaky = new AgentEndpoint(_relay.Address, FlakyId, Keys);
        Busy = new AgentEndpoint(_relay.Address, BusyId, Keys, rejectWith: 429);
        await Task.WhenAll(Dev.StartAsync(), Flaky.StartAsync(), Busy.StartAsync());
    }

    public CoderCli Cli() => new(ControlPlane.Url, FakeControlPlane.Token);

    public async Task DisposeAsync()
    {
        foreach (var endpoint in new[] { Dev, Flaky, Busy }) if (endpoint is not null) await endpoint.DisposeAsync();
        if (ControlPlane is not null) await ControlPlane.DisposeAsync();
        if (_relay is not null) await _relay.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
