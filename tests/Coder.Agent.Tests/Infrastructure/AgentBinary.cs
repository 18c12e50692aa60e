using System.Diagnostics;
using System.Reflection;
using Coder.Local.Storage;

namespace Coder.Agent.Tests.Infrastructure;

/// <summary>
/// The agent under test: <c>CODER_TEST_AGENT_PATH</c> (e.g. the Native AOT binary) when set, else the build output's
/// <c>coder-agent.dll</c> of the same configuration as these tests, run with <c>dotnet</c>.
/// </summary>
public static class AgentBinary
{
    static string Configuration => typeof(AgentBinary).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public static string Path { get; } = Environment.GetEnvironmentVariable("CODER_TEST_AGENT_PATH") is { Length: > 0 } given
        ? given
        : System.IO.Path.Combine(RepositoryRoot.Find(), "src", "Coder.Agent", "bin", Configuration, "net10.0", "coder-agent.dll");

    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        if (!File.Exists(Path)) throw new FileNotFoundException($"Agent build output missing: {Path}. Build src/Coder.Agent first.", Path);
        bool managed = Path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var info = new ProcessStartInfo(managed ? "dotnet" : Path) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        if (managed) info.ArgumentList.Add(Path);
        foreach (string argument in arguments) info.ArgumentList.Add(argument);
        return info;
    }
}
