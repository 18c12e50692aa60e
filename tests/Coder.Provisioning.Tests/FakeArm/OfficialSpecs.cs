using System.Text.Json.Nodes;

namespace Coder.Provisioning.Tests.FakeArm;

/// <summary>The official swagger and x-ms-examples copied into <c>Specs/</c> (Azure/azure-rest-api-specs, see Specs/README.md).</summary>
public static class OfficialSpecs
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Specs");

    public static JsonObject Load(string relativePath) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, relativePath)))!.AsObject();

    /// <summary>An example's response body for a status code (a fresh copy each time).</summary>
    public static JsonObject Response(string example, int status) =>
        Load(example)["responses"]![status.ToString(System.Globalization.CultureInfo.InvariantCulture)]!["body"]!.DeepClone().AsObject();

    /// <summary>An example's response header (case as written in the example).</summary>
    public static string? ResponseHeader(string example, int status, string header) =>
        Load(example)["responses"]![status.ToString(System.Globalization.CultureInfo.InvariantCulture)]?["headers"]?.AsObject()
            .FirstOrDefault(h => h.Key.Equals(header, StringComparison.OrdinalIgnoreCase)).Value?.GetValue<string>();
}
