using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace Coder.Local.FunctionHost;

/// <summary>
/// Reads every <c>[Function]</c> of an assembly the way the Functions SDK does (trigger attribute, route, methods,
/// queue, schedule), so the local host serves exactly what <c>functions.metadata</c> lists. A trigger the local host
/// cannot serve is an error at startup, never a silent gap.
/// </summary>
public static class FunctionCatalog
{
    public static IReadOnlyList<FunctionDescriptor> Discover(Assembly assembly)
    {
        var functions = new List<FunctionDescriptor>();
        foreach (var type in assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (method.GetCustomAttribute<FunctionAttribute>() is not { } function) continue;
                functions.Add(Describe(function.Name, method));
            }
        }

        return functions.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
    }

    static FunctionDescriptor Describe(string name, MethodInfo method)
    {
        foreach (var p in method.GetParameters())
        {
            if (p.GetCustomAttribute<HttpTriggerAttribute>() is { } http)
            {
                string route = http.Route ?? name;
                var verbs = (http.Methods ?? ["get", "post"]).Select(m => m.ToUpperInvariant()).ToList();
                return new FunctionDescriptor(name, FunctionKind.Http, method, route, verbs, p.ParameterType);
            }

            if (p.GetCustomAttribute<OrchestrationTriggerAttribute>() is not null) return new FunctionDescriptor(name, FunctionKind.Orchestrator, method, null, [], p.ParameterType);
            if (p.GetCustomAttribute<ActivityTriggerAttribute>() is not null) return new FunctionDescriptor(name, FunctionKind.Activity, method, null, [], p.ParameterType);
            if (p.GetCustomAttribute<QueueTriggerAttribute>() is { } queue) return new FunctionDescriptor(name, FunctionKind.Queue, method, queue.QueueName, [], p.ParameterType);
            if (p.GetCustomAttribute<TimerTriggerAttribute>() is { } timer) return new FunctionDescriptor(name, FunctionKind.Timer, method, timer.Schedule, [], p.ParameterType);
        }

        throw new NotSupportedException($"Function {name} ({method.DeclaringType?.Name}.{method.Name}) has a trigger the local host does not serve.");
    }
}
