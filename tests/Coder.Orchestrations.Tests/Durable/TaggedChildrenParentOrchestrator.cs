using Microsoft.DurableTask;

namespace Coder.Orchestrations.Tests.Durable;

/// <summary>
/// Calls <see cref="EchoChildOrchestrator"/> twice in turn, each time with tags: the second child starts only in the
/// episode that sees the first result, for which the parent's history (the first child's created event in it) reloads.
/// </summary>
public sealed class TaggedChildrenParentOrchestrator : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(context);
        string first = await context.CallSubOrchestratorAsync<string>(nameof(EchoChildOrchestrator), $"first:{input}", ChildOptions(context, input, "first"));
        string second = await context.CallSubOrchestratorAsync<string>(nameof(EchoChildOrchestrator), $"second:{input}", ChildOptions(context, input, "second"));
        return $"{first}+{second}";
    }

    static SubOrchestrationOptions ChildOptions(TaskOrchestrationContext context, string workspace, string step) =>
        new(new TaskOptions(retry: null, tags: new Dictionary<string, string> { ["workspace"] = workspace, ["step"] = step }), $"{context.InstanceId}-{step}");
}
