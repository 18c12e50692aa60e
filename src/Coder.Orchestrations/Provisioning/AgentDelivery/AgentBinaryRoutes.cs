namespace Coder.Orchestrations.Provisioning.AgentDelivery;

/// <summary>Where agents download their binary from the control plane (anonymous, cacheable by ETag).</summary>
public static class AgentBinaryRoutes
{
    /// <summary>The platform every ACI and VM workspace runs.</summary>
    public const string LinuxX64 = "linux-x64";

    /// <summary>The absolute URL of the binary for <paramref name="platform"/> under the control plane at <paramref name="controlPlaneUrl"/>.</summary>
    public static string UrlFor(string controlPlaneUrl, string platform) => $"{controlPlaneUrl.TrimEnd('/')}/api/agent/binary/{platform}";
}
