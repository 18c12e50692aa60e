using System.Reflection;

namespace Coder.Orchestrations.Tests.Provisioning;

/// <summary>The agent's own build output (its deps and runtime config beside it), of this test build's configuration.</summary>
public static class AgentBuildOutput
{
    public static string Dll()
    {
        string configuration = typeof(AgentBuildOutput).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Coder.sln"))) dir = dir.Parent;
        string path = Path.Combine(dir?.FullName ?? throw new InvalidOperationException("The repository root was not found."), "src", "Coder.Agent", "bin", configuration, "net10.0", "coder-agent.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build the agent first: {path}", path);
    }
}
