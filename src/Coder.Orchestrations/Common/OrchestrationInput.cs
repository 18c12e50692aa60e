using System.Text.Json;
using Microsoft.DurableTask;

namespace Coder.Orchestrations.Common;

/// <summary>
/// Reads an orchestration's input in both hosts. The Functions host deserializes lazily to whatever type is asked for;
/// the portable worker has already deserialized it to the registered input type, which for a reflected function is
/// <see cref="object"/> (a <see cref="JsonElement"/>). Asking for <see cref="object"/> and converting works in both.
/// </summary>
public static class OrchestrationInput
{
    static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static T Of<T>(TaskOrchestrationContext context) where T : class =>
        context.GetInput<object>() switch
        {
            T typed => typed,
            JsonElement json => json.Deserialize<T>(Options) ?? throw new InvalidOperationException($"The orchestration input is not a {typeof(T).Name}."),
            _ => throw new InvalidOperationException($"The orchestration input is not a {typeof(T).Name}."),
        };
}
