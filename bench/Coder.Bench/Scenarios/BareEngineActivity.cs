using Microsoft.DurableTask;

namespace Coder.Bench.Scenarios;

/// <summary>An activity that does nothing, so the baseline measures only the engine's scheduling and persistence.</summary>
public sealed class BareEngineActivity : TaskActivity<int, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, int input) => Task.FromResult(input);
}
