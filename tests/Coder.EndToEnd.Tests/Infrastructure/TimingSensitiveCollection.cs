namespace Coder.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Tests that assert how fast the control plane reacts (the autoscaler's periods, the reconciler's periods) run alone,
/// after the parallel collections: the other half of the suite would otherwise starve their CPU burners and timers.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitiveCollection : ICollectionFixture<TestStorage>
{
    public const string Name = "timing-sensitive";
}
