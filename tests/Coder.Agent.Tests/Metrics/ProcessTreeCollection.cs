namespace Coder.Agent.Tests.Metrics;

/// <summary>
/// Tests that sample the test process's own process tree: it holds whatever other tests have running (relays, agents,
/// sshd), so they run alone, after the parallel ones, and see only what they start.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessTreeCollection
{
    public const string Name = "process tree";
}
