using System.Text.Json;

namespace Coder.Contracts.Templates;

/// <summary>The wire values of <c>autoscale.enabled</c>: <c>true</c>, <c>false</c> or <c>"dry-run"</c>.</summary>
public static class AutoscaleEnabled
{
    public const string DryRun = "dry-run";

    /// <summary>The mode a value asks for; null when the value is not one of the three.</summary>
    public static AutoscaleMode? Parse(JsonElement? value) => value switch
    {
        null => AutoscaleMode.Off,
        { ValueKind: JsonValueKind.True } => AutoscaleMode.On,
        { ValueKind: JsonValueKind.False } => AutoscaleMode.Off,
        { ValueKind: JsonValueKind.String } v when v.GetString() == DryRun => AutoscaleMode.DryRun,
        _ => null,
    };
}
