namespace Coder.Orchestrations.Provisioning.Azure;

/// <summary>
/// Where a workspace fetches its agent from the control plane (<c>/api/agent/binary/linux-x64</c>) and the SHA-256 it
/// must have. <see cref="InstallScript"/> is the POSIX shell both bootstraps run (ACI's init container, the VM's
/// cloud-init): curl and sha256sum only, so any stock image or distribution runs it.
/// </summary>
public sealed record AgentDownload(Uri Url, string Sha256)
{
    /// <summary>Downloads to a temporary name, refuses (exit 1, nothing installed) unless the SHA-256 matches, then installs executable.</summary>
    public string InstallScript(string destination)
    {
        string target = Quote(destination);
        string partial = Quote(destination + ".download");
        return $"""
            set -eu
            rm -f {partial}
            curl -fsSL --retry 5 --retry-connrefused -o {partial} {Quote(Url.AbsoluteUri)}
            if ! echo '{Sha256}  '{partial} | sha256sum -c -; then
              rm -f {partial}
              echo 'coder-agent: the download does not have SHA-256 {Sha256}; refusing to run it' >&2
              exit 1
            fi
            chmod 0755 {partial}
            mv -f {partial} {target}
            """.ReplaceLineEndings("\n");
    }

    static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
