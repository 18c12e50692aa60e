using Microsoft.DurableTask;
using Microsoft.Extensions.Hosting;

namespace Coder.Local.FunctionHost;

/// <summary>An activity trigger function registered with the portable worker under its function name.</summary>
public sealed class ReflectedActivity(FunctionDescriptor function, IServiceProvider services, IHostApplicationLifetime lifetime) : ITaskActivity
{
    public Type InputType => function.TriggerValueType ?? typeof(object);

    public Type OutputType => FunctionInvoker.ResultType(function.Method);

    public Task<object?> RunAsync(TaskActivityContext context, object? input) =>
        FunctionInvoker.InvokeAsync(function, services, input, null, lifetime.ApplicationStopping);
}
