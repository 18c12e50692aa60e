using Coder.EndToEnd.Tests.Infrastructure;
using Coder.EndToEnd.Tests.Security;

namespace Coder.EndToEnd.Tests.Cli;

/// <summary>
/// The CLI tests' local host, started once for the class (a host per test was most of their time: 9-18 s for a test that
/// runs one CLI command). Each test has a CLI of its own (its own HOME and login) and templates and workspace names of
/// its own.
/// </summary>
public sealed class CliHost(TestStorage storage) : IAsyncLifetime
{
    public LocalHostProcess Host { get; } = new(storage.ConnectionString);

    public Task InitializeAsync() => HostStart.StartOrDisposeAsync(Host);

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
