using System.Text;
using Coder.Orchestrations.Provisioning.Azure;

namespace Coder.Orchestrations.Provisioning.VirtualMachines;

/// <summary>
/// cloud-init custom data: mounts the data disk (LUN 0) as the home folder without reformatting an existing file
/// system (a restored disk keeps its data), installs the agent from the control plane (refusing a download whose
/// SHA-256 is not the published one) and a systemd unit that runs it. It carries no
/// secret (custom data is readable on the VM): the agent's environment, token included, arrives through the
/// <see cref="VmAgentEnvironment"/> extension's protected settings.
/// </summary>
public static class VmCloudInit
{
    public const string HomePath = "/home/coder";
    public const string EnvironmentFile = "/etc/coder/agent.env";

    public const string AgentPath = "/usr/local/bin/coder-agent";
    public const string InstallScriptPath = "/usr/local/lib/coder/install-agent.sh";

    public static string Render(AgentDownload agent) => $$"""
        #cloud-config
        disk_setup:
          /dev/disk/azure/scsi1/lun0:
            table_type: gpt
            layout: true
            overwrite: false
        fs_setup:
          - device: /dev/disk/azure/scsi1/lun0
            partition: 1
            filesystem: ext4
            overwrite: false
        mounts:
          - ["/dev/disk/azure/scsi1/lun0-part1", "{{HomePath}}", "ext4", "defaults,nofail", "0", "2"]
        write_files:
          - path: {{InstallScriptPath}}
            permissions: "0755"
            content: |
        {{Indent(agent.InstallScript(AgentPath), 6)}}
          - path: /etc/systemd/system/coder-agent.service
            permissions: "0644"
            content: |
              [Unit]
              Description=Coder workspace agent
              After=network-online.target
              Wants=network-online.target
              ConditionPathExists={{EnvironmentFile}}
              [Service]
              EnvironmentFile={{EnvironmentFile}}
              Environment=CODER_WORKSPACE_DIR={{HomePath}}
              WorkingDirectory={{HomePath}}
              ExecStart={{AgentPath}}
              Restart=always
              RestartSec=2
              [Install]
              WantedBy=multi-user.target
        runcmd:
          - [sh, {{InstallScriptPath}}]
          - [systemctl, daemon-reload]
          - [systemctl, enable, coder-agent.service]
          - [sh, -c, "test -f {{EnvironmentFile}} && systemctl restart coder-agent.service || true"]
        """;

    public static string Base64(AgentDownload agent) => Convert.ToBase64String(Encoding.UTF8.GetBytes(Render(agent).ReplaceLineEndings("\n")));

    static string Indent(string text, int spaces) =>
        string.Join('\n', text.Split('\n').Select(line => line.Length == 0 ? line : new string(' ', spaces) + line));
}
