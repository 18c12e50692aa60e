using System.Reflection;

namespace Coder.Local.FunctionHost;

/// <summary>One <c>[Function]</c> method of Coder.Functions and how it is triggered.</summary>
/// <param name="Trigger">Route (HTTP), queue name (queue) or schedule (timer); null for durable functions.</param>
public sealed record FunctionDescriptor(string Name, FunctionKind Kind, MethodInfo Method, string? Trigger, IReadOnlyList<string> HttpMethods, Type? TriggerValueType)
{
    public override string ToString() => Kind == FunctionKind.Http ? $"{Name} {string.Join(',', HttpMethods)} /api/{Trigger}" : $"{Name} ({Kind}{(Trigger is null ? "" : $" {Trigger}")})";
}
