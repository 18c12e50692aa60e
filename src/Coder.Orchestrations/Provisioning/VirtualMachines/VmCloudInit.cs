using System.Text;

namespace Coder.Orchestrations.Provisioning.VirtualMachines;

/// <summary>
/// cloud-init custom data: mounts the data disk (LUN 0) as the home folder without reformatting an existing file
/// system (a restored disk keeps its data), installs the agent binary and a systemd unit that runs it. It carries no
/// secret (custom data is readable on the VM): the agent's environment, token included, arrives through the
/// <see cref="VmAgentEnvironment"/> extension's protected settings.
/// </summary>
public static class VmCloudInit
{
    public const string HomePath = "/home/coder";
    public const string EnvironmentFile = "/etc/coder/agent.env";

    public static string Render(Uri agentDownloadUrl) => $$"""
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
              ExecStart=/usr/local/bin/coder-agent
              Restart=always
              RestartSec=2
              [Install]
              WantedBy=multi-user.target
        runcmd:
          - [sh, -c, "curl -fsSL --retry 5 '{{agentDownloadUrl}}' -o /usr/local/bin/coder-agent && chmod 0755 /usr/local/bin/coder-agent"]
          - [systemctl, daemon-reload]
          - [systemctl, enable, coder-agent.service]
          - [sh, -c, "test -f {{EnvironmentFile}} && systemctl restart coder-agent.service || true"]
        """;

    public static string Base64(Uri agentDownloadUrl) => Convert.ToBase64String(Encoding.UTF8.GetBytes(Render(agentDownloadUrl).ReplaceLineEndings("\n")));
}
