using System.Text;

namespace Coder.Orchestrations.Provisioning.VirtualMachines;

/// <summary>
/// The agent's environment (token included) delivered by the CustomScript extension's <c>protectedSettings</c>, which
/// ARM keeps encrypted and never returns. The script waits for cloud-init, writes the file 0600 and restarts the agent.
/// </summary>
public static class VmAgentEnvironment
{
    public const string ExtensionName = "coder-agent-env";

    public static string Script(IReadOnlyDictionary<string, string> environment)
    {
        var file = new StringBuilder();
        foreach (var (name, value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            file.Append(name).Append("=\"").Append(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append("\"\n");
        }

        string encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(file.ToString()));
        string script = $"""
            #!/bin/sh
            set -e
            cloud-init status --wait >/dev/null 2>&1 || true
            install -d -m 0700 /etc/coder
            umask 077
            echo '{encoded}' | base64 -d > {VmCloudInit.EnvironmentFile}
            systemctl restart coder-agent.service
            """;
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(script.ReplaceLineEndings("\n")));
    }
}
