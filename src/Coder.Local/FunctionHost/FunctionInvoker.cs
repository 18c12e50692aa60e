using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Coder.Local.FunctionHost;

/// <summary>
/// Calls a <c>[Function]</c> method the way the isolated worker does: a new instance of its class from DI per call,
/// the trigger value, route values by parameter name, the durable client, and the cancellation token.
/// </summary>
public static class FunctionInvoker
{
    static readonly ConcurrentDictionary<Type, ObjectFactory> Factories = new();

    // What each parameter binds to, worked out once per method: attribute lookups on every call cost more than the call.
    static readonly ConcurrentDictionary<MethodInfo, (ParameterInfo Parameter, bool Trigger, bool DurableClient)[]> Parameters = new();

    public static async Task<object?> InvokeAsync(FunctionDescriptor function, IServiceProvider services, object? triggerValue, HttpContext? http, CancellationToken cancellationToken)
    {
        var method = function.Method;
        object? instance = method.IsStatic ? null : Factories.GetOrAdd(method.DeclaringType!, t => ActivatorUtilities.CreateFactory(t, Type.EmptyTypes))(services, null);
        var parameters = Parameters.GetOrAdd(method, m => m.GetParameters().Select(p => (p, IsTrigger(p), p.GetCustomAttribute<DurableClientAttribute>() is not null)).ToArray());
        var args = new object?[parameters.Length];
        for (int i = 0; i < args.Length; i++) args[i] = Bind(function, parameters[i], services, triggerValue, http, cancellationToken);
        object? returned;
        try
        {
            returned = method.Invoke(instance, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }

        if (returned is not Task task) return returned;
        await task;
        return method.ReturnType.IsGenericType ? method.ReturnType.GetProperty("Result")!.GetValue(task) : null;
    }

    /// <summary>The type a function returns, unwrapped from Task.</summary>
    public static Type ResultType(MethodInfo method) =>
        method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>) ? method.ReturnType.GetGenericArguments()[0]
        : method.ReturnType == typeof(Task) ? typeof(object) : method.ReturnType;

    /// <summary>Throws when a parameter could not be bound, so the drift test finds unsupported signatures at startup.</summary>
    public static void EnsureBindable(FunctionDescriptor function)
    {
        foreach (var p in function.Method.GetParameters())
        {
            bool bindable = IsTrigger(p) || p.GetCustomAttribute<DurableClientAttribute>() is not null || p.ParameterType == typeof(CancellationToken)
                || (function.Kind == FunctionKind.Http && p.ParameterType == typeof(string));
            if (!bindable) throw new NotSupportedException($"Function {function.Name}: parameter '{p.Name}' ({p.ParameterType.Name}) cannot be bound by the local host.");
        }
    }

    static object? Bind(FunctionDescriptor function, (ParameterInfo Parameter, bool Trigger, bool DurableClient) binding, IServiceProvider services, object? triggerValue, HttpContext? http, CancellationToken cancellationToken)
    {
        var p = binding.Parameter;
        if (binding.Trigger) return function.Kind == FunctionKind.Http ? http!.Request : triggerValue;
        if (binding.DurableClient) return services.GetRequiredService<DurableTaskClient>();
        if (p.ParameterType == typeof(CancellationToken)) return cancellationToken;
        if (http is not null && p.ParameterType == typeof(string)) return http.GetRouteValue(p.Name!) as string;
        throw new NotSupportedException($"Function {function.Name}: parameter '{p.Name}' cannot be bound.");
    }

    static bool IsTrigger(ParameterInfo p) =>
        p.GetCustomAttribute<HttpTriggerAttribute>() is not null || p.GetCustomAttribute<OrchestrationTriggerAttribute>() is not null
        || p.GetCustomAttribute<ActivityTriggerAttribute>() is not null || p.GetCustomAttribute<QueueTriggerAttribute>() is not null
        || p.GetCustomAttribute<TimerTriggerAttribute>() is not null;
}
