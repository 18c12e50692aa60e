using Microsoft.DurableTask;

namespace Coder.Local.FunctionHost;

/// <summary>An orchestration trigger function registered with the portable worker under its function name.</summary>
public sealed class ReflectedOrchestrator(FunctionDescriptor function, IServiceProvider services) : ITaskOrchestrator
{
    // The function reads its input with context.GetInput<T>(), as it does under the Functions host.
    public Type InputType => typeof(object);

    public Type OutputType => FunctionInvoker.ResultType(function.Method);

    public Task<object?> RunAsync(TaskOrchestrationContext context, object? input) =>
        FunctionInvoker.InvokeAsync(function, services, context, null, CancellationToken.None);
}
