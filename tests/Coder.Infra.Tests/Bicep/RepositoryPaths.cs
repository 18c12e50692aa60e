using System.Reflection;

namespace Coder.Infra.Tests.Bicep;

/// <summary>Paths baked into the test assembly at build time (see the csproj's AssemblyMetadata).</summary>
public static class RepositoryPaths
{
    public static string RepoRoot { get; } = Path.GetFullPath(Metadata("RepoRoot"));

    public static string BicepRoot { get; } = Path.Combine(RepoRoot, "infra", "bicep");

    public static string MainBicep { get; } = Path.Combine(BicepRoot, "main.bicep");

    /// <summary>The bicep binary restored from the Azure.Bicep.CommandLine.linux-x64 NuGet package.</summary>
    public static string BicepExecutable { get; } = Metadata("BicepPath");

    private static string Metadata(string key) =>
        typeof(RepositoryPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(attribute => attribute.Key == key)?.Value
        ?? throw new InvalidOperationException($"Assembly metadata '{key}' is missing; build the test project with dotnet build.");
}
