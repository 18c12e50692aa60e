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

    public static async Task<(int ExitCode, string Output)> ValidateAsync(string file)
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
