using Microsoft.DurableTask;

namespace Coder.Bench.Scenarios;

/// <summary>The baseline orchestration: as many no-op activities, one after another, as its input says.</summary>
public sealed class BareEngineOrchestrator : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
    {
        for (int i = 0; i < input; i++) await context.CallActivityAsync<int>(nameof(BareEngineActivity), i);
        return input;
    }
}
