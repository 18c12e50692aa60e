using Coder.Contracts.Agents;
using Coder.Functions.DependencyInjection;
using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Provisioning.AgentDelivery;
using Coder.Orchestrations.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Coder.Infra.Tests;

/// <summary>The composition's registration contract: every area adds with TryAdd, so the host's own registrations win and a second call adds nothing.</summary>
public sealed class ServiceRegistrationTests
{
    [Fact]
    public void A_service_the_host_registers_before_the_composition_wins_over_the_default()
    {
        var services = new ServiceCollection();
        var ingestor = new UnusedIngestor();
        var binaries = new NoAgentBinaries();
        // As the local host registers its build output's agent store before AddCoderFunctions.
        services.AddSingleton<IAgentEventIngestor>(ingestor);
        services.AddSingleton<IAgentBinaryStore>(binaries);

        services.AddCoderFunctions();

        using var provider = services.BuildServiceProvider();
        Assert.Same(ingestor, provider.GetRequiredService<IAgentEventIngestor>());
        Assert.Same(binaries, provider.GetRequiredService<IAgentBinaryStore>());
        Assert.Single(services, d => d.ServiceType == typeof(IAgentEventIngestor));
        Assert.Single(services, d => d.ServiceType == typeof(IAgentBinaryStore));
    }

    [Fact]
    public void Adding_the_composition_twice_registers_nothing_twice()
    {
        var services = new ServiceCollection();
        services.AddCoderFunctions();
        var once = services.Select(Describe).ToList();

        services.AddCoderFunctions();

        var added = services.Select(Describe).Skip(once.Count).ToList();
        Assert.True(added.Count == 0, "Added again: " + string.Join(", ", added));
        // The two that used to be added twice in one call.
        Assert.Single(services, d => d.ServiceType == typeof(ApiTokenService));
        Assert.Single(services, d => d.ServiceType == typeof(IOptionsChangeTokenSource<SecurityOptions>));
    }

    static string Describe(ServiceDescriptor d) =>
        $"{d.ServiceType} {d.Lifetime} {d.ImplementationType?.ToString() ?? d.ImplementationInstance?.GetType().ToString() ?? "factory"}";

    sealed class UnusedIngestor : IAgentEventIngestor
    {
        public Task<IngestOutcome> IngestAsync(AgentEnvelope envelope, string? bearerToken, CancellationToken cancellationToken) =>
            throw new NotSupportedException("Only resolved, never called.");
    }

    sealed class NoAgentBinaries : IAgentBinaryStore
    {
        public Task<AgentBinary?> FindAsync(string platform, CancellationToken cancellationToken) => Task.FromResult<AgentBinary?>(null);

        public Task<Stream> OpenReadAsync(AgentBinary binary, CancellationToken cancellationToken) => throw new NotSupportedException("No binary is published.");
    }
}
