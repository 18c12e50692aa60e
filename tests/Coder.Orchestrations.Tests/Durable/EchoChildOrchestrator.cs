using Microsoft.DurableTask;

namespace Coder.Orchestrations.Tests.Durable;

/// <summary>A sub-orchestration that returns its input.</summary>
public sealed class EchoChildOrchestrator : TaskOrchestrator<string, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, string input) => Task.FromResult(input);
}
