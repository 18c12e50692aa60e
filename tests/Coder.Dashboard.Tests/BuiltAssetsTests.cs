using System.IO.Compression;

namespace Coder.Dashboard.Tests;

/// <summary>The build check: what `dotnet build` put next to the host is the dashboard, and its JavaScript is small.</summary>
public sealed class BuiltAssetsTests
{
    const long MaxGzippedJavaScriptBytes = 300 * 1024;

    static string Wwwroot => Path.Combine(BuildOutputs.LocalHostDirectory, "wwwroot");

    [Fact]
    public void TheHostsBuildProducedTheDashboard_AndItsJavaScriptIsUnder300KiBGzipped()
    {
        string index = File.ReadAllText(Path.Combine(Wwwroot, "index.html"));
        var scripts = Directory.GetFiles(Path.Combine(Wwwroot, "assets"), "*.js");
        Assert.NotEmpty(scripts);
        Assert.Contains(scripts, s => index.Contains("/assets/" + Path.GetFileName(s), StringComparison.Ordinal));

        long gzipped = scripts.Sum(GzippedLength);
        Assert.True(gzipped < MaxGzippedJavaScriptBytes, $"The dashboard's JavaScript is {gzipped / 1024.0:0.0} KiB gzipped; the budget is 300 KiB.");
    }

    static long GzippedLength(string path)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        using (var input = File.OpenRead(path))
            input.CopyTo(gzip);
        return output.Length;
    }
}
