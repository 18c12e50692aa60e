using System.Text.Json.Serialization;

namespace Coder.Contracts.Upgrades;

/// <summary>How one workspace moves to another template version.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<UpgradeStrategy>))]
public enum UpgradeStrategy
{
    /// <summary>Restore point, stop, apply, start; rolled back from the restore point on failure.</summary>
    [JsonStringEnumMemberName("in-place")] InPlace,

    /// <summary>A green instance from blue's latest snapshot, health-gated, then one switch; blue never stops if green fails.</summary>
    [JsonStringEnumMemberName("blue-green")] BlueGreen,
}
