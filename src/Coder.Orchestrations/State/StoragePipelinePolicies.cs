using Azure.Core.Pipeline;

namespace Coder.Orchestrations.State;

/// <summary>
/// Extra Azure SDK pipeline policies every storage client of <see cref="StorageClientFactory"/> runs per call (the
/// storage-call audit's recorder, say). Registered only by whoever needs one; production registers none.
/// </summary>
public sealed class StoragePipelinePolicies(IReadOnlyList<HttpPipelinePolicy> perCall)
{
    public IReadOnlyList<HttpPipelinePolicy> PerCall { get; } = perCall;
}
