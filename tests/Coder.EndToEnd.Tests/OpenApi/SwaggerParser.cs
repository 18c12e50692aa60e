using System.Diagnostics;
using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.OpenApi;

/// <summary>The repository's pinned @apidevtools/swagger-parser (package.json), run with node: it validates against the OpenAPI schema and resolves every $ref.</summary>
public static class SwaggerParser
{
    const string Script = """
        const SwaggerParser = require('@apidevtools/swagger-parser');
        SwaggerParser.validate(process.argv[1]).then(
          api => console.log(`valid: OpenAPI ${api.openapi}, ${Object.keys(api.paths).length} paths`),
          e => { console.error(e.message); process.exit(1); });
        """;

    /// <summary>Validates a document (written to a temporary file for the parser); exit code 0 and "valid: ..." when it passes.</summary>
    public static async Task<(int ExitCode, string Output)> ValidateAsync(byte[] document)
    {
        string file = Path.Combine(Path.GetTempPath(), $"coder-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllBytesAsync(file, document);
        try
        {
            return await ValidateFileAsync(file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    static async Task<(int ExitCode, string Output)> ValidateFileAsync(string file)
    {
        var psi = new ProcessStartInfo("node") { WorkingDirectory = BuildOutputs.RepoRoot, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-e");
        psi.ArgumentList.Add(Script);
        psi.ArgumentList.Add(file);
        using var node = Process.Start(psi) ?? throw new InvalidOperationException("node did not start");
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await node.WaitForExitAsync(deadline.Token);
        return (node.ExitCode, await stdout + await stderr);
    }
}
