using System.Text.Json;
using System.Text.Json.Serialization;

namespace Coder.Bench;

static class BenchJson
{
    // A failed scenario reports NaN; JSON has no literal for it, so it is written as the string "NaN".
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web) { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
}
