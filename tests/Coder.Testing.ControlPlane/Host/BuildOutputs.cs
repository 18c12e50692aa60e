using System.Reflection;
using Coder.Local.Storage;

namespace Coder.EndToEnd.Tests.Infrastructure;

/// <summary>Where the local host and the agent were built (same configuration as these tests).</summary>
public static class BuildOutputs
{
    static string Configuration => typeof(BuildOutputs).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public static string RepoRoot { get; } = RepositoryRoot.Find();

    public static string LocalHostDirectory => Path.Combine(RepoRoot, "src", "Coder.Local", "bin", Configuration, "net10.0");

    public static string LocalHostDll => Existing(Path.Combine(LocalHostDirectory, "Coder.Local.dll"));

    /// <summary>The self-contained agent the local host's build ships and serves (agent/linux-x64/coder-agent).</summary>
    public static string ShippedAgent => Existing(Path.Combine(LocalHostDirectory, "agent", "linux-x64", "coder-agent"));

    public static string AgentDll => Existing(Path.Combine(RepoRoot, "src", "Coder.Agent", "bin", Configuration, "net10.0", "coder-agent.dll"));

    public static string CliDll => Existing(Path.Combine(RepoRoot, "src", "Coder.Cli", "bin", Configuration, "net10.0", "coder.dll"));

    public static string FunctionsMetadata => Existing(Path.Combine(RepoRoot, "src", "Coder.Functions", "bin", Configuration, "net10.0", "functions.metadata"));

    static string Existing(string path) => File.Exists(path) ? path : throw new FileNotFoundException($"Build output missing: {path}. Build the solution first.", path);
}
