using System.Reflection;

namespace Coder.Agent.Diagnostics;

/// <summary>
/// <c>coder-agent --version</c>: the agent's version and the libraries it runs on. Naming them loads them, so a control
/// plane that runs this before it hands the agent to a workspace learns whether the agent can start at all (an agent
/// copied without its dependencies fails here, not in the workspace).
/// </summary>
public static class VersionCommand
{
    public const string Flag = "--version";

    public static int Run(TextWriter output)
    {
        Assembly[] dependencies =
        [
            typeof(Microsoft.Extensions.Logging.ILogger).Assembly,
            typeof(Azure.Storage.Queues.QueueClient).Assembly,
            typeof(Azure.Messaging.ServiceBus.ServiceBusClient).Assembly,
            typeof(Azure.Identity.ManagedIdentityCredential).Assembly,
            typeof(Coder.Contracts.Agents.AgentManifest).Assembly,
        ];
        output.WriteLine($"coder-agent {VersionOf(typeof(VersionCommand).Assembly)} ({string.Join(", ", dependencies.Select(a => $"{a.GetName().Name} {VersionOf(a)}"))})");
        return 0;
    }

    static string VersionOf(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? assembly.GetName().Version?.ToString() ?? "unknown";
}
