using Coder.Orchestrations.Provisioning.AgentDelivery;


namespace Coder.Orchestrations.Provisioning.Local;

/// <summary>
/// Which agent the local provisioner runs and how: <c>Coder:Local:AgentPath</c> (CODER_AGENT_PATH) when set, else the
/// self-contained build the local host ships at <c>agent/linux-x64/coder-agent</c> next to itself. A <c>.dll</c> runs
/// with <c>dotnet</c>; anything else runs as it is.
/// </summary>
public static class LocalAgentLaunch
{
    public const string FileName = "coder-agent";

    /// <summary>The folder next to the local host where its build puts one agent build per platform (<c>agent/{platform}/coder-agent</c>).</summary>
    public static string ShippedFolder => Path.Combine(AppContext.BaseDirectory, "agent");

    /// <summary>Where the local host's build puts the agent for <paramref name="platform"/>.</summary>
    public static string ShippedPath(string platform) => Path.Combine(ShippedFolder, platform, FileName);

    /// <summary>The agent file this host runs (full path; it may not exist).</summary>
    public static string Resolve(string? configuredPath) =>
        configuredPath is { Length: > 0 } configured ? Path.GetFullPath(configured) : ShippedPath(AgentBinaryRoutes.LinuxX64);

    /// <summary>The program and leading arguments that start the agent at <paramref name="path"/>.</summary>
    public static (string Program, string[] Args) Command(string path) =>
        path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? (DotnetHost(), [path]) : (path, []);

    static string DotnetHost()
    {
        string? self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }
}
