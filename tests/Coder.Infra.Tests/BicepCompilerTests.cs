using System.Text.RegularExpressions;
using Coder.Infra.Tests.Bicep;
using Xunit;

namespace Coder.Infra.Tests;

/// <summary>The real bicep compiler and linter (NuGet Azure.Bicep.CommandLine.linux-x64) accept the templates cleanly.</summary>
[Collection(CompiledMainTemplateCollection.Name)]
public sealed partial class BicepCompilerTests(CompiledMainTemplate compiled)
{
    [Fact]
    public void Build_MainBicepCompilesWithZeroErrorsAndZeroWarnings()
    {
        var build = compiled.Build;

        Assert.True(build.ExitCode == 0 && build.StderrLines.Count == 0, build.Describe("bicep build infra/bicep/main.bicep"));
        Assert.StartsWith("{", build.Stdout.TrimStart(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lint_EveryBicepFileIsClean()
    {
        var lint = await BicepCli.LintAsync("infra/bicep/**/*.bicep", CancellationToken.None);

        Assert.True(lint.ExitCode == 0 && lint.StderrLines.Count == 0, lint.Describe("bicep lint --pattern infra/bicep/**/*.bicep"));
    }

    [Fact]
    public void Lint_PatternCoversEveryBicepFileThroughMain()
    {
        // The lint pattern prints nothing on success, so prove the files exist and are all part of main's
        // compilation (a module or import of main or of another module); an orphan file would escape the build test.
        var files = Directory.EnumerateFiles(RepositoryPaths.BicepRoot, "*.bicep", SearchOption.AllDirectories).ToList();
        var referenced = files
            .SelectMany(file => ModuleOrImportPath().Matches(File.ReadAllText(file))
                .Select(match => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, match.Groups["path"].Value))))
            .ToHashSet();

        Assert.True(files.Count >= 2, $"Expected main.bicep and its modules under {RepositoryPaths.BicepRoot}, found {files.Count}.");
        var orphans = files.Where(file => file != RepositoryPaths.MainBicep && !referenced.Contains(Path.GetFullPath(file))).ToList();
        Assert.True(orphans.Count == 0, "Not reachable from main.bicep: " + string.Join(", ", orphans));
    }

    [Fact]
    public void Suppressions_EachCarriesAWrittenReason()
    {
        var unexplained = Directory.EnumerateFiles(RepositoryPaths.BicepRoot, "*.bicep", SearchOption.AllDirectories)
            .Select(file => (file, lines: File.ReadAllLines(file)))
            .SelectMany(source => source.lines.Select((line, index) => (source.file, line, index, previous: index > 0 ? source.lines[index - 1] : "")))
            .Where(entry => entry.line.TrimStart().StartsWith("#disable", StringComparison.Ordinal)
                && !entry.line.Contains("//", StringComparison.Ordinal)
                && !entry.previous.TrimStart().StartsWith("//", StringComparison.Ordinal))
            .Select(entry => $"{Path.GetFileName(entry.file)}:{entry.index + 1}: {entry.line.Trim()}")
            .ToList();

        Assert.True(unexplained.Count == 0, "Suppressions need a reason comment on the same or the previous line: " + string.Join("; ", unexplained));
    }

    [GeneratedRegex(@"^\s*(?:module\s+\w+\s+|import\s+.+\s+from\s+)'(?<path>[^']+\.bicep)'", RegexOptions.Multiline)]
    private static partial Regex ModuleOrImportPath();
}
