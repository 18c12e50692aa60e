using System.CommandLine;

namespace Coder.Cli.Commands;

/// <summary>The whole command tree.</summary>
public static class CoderCommandLine
{
    public static RootCommand Build(CliContext context)
    {
        var root = new RootCommand("coder: developer workspaces from templates, on Coder Cloud.") { CliContext.OutputOption };
        root.Add(LoginCommand.Build(context));
        root.Add(TemplateCommands.Build(context));
        root.Add(SshCommand.Build(context));
        root.Add(PortForwardCommand.Build(context));
        root.Add(ConfigSshCommand.Build(context));
        root.Add(QuotaCommands.Build(context));
        root.Add(ScheduleCommands.Build(context));
        root.Add(SecretCommands.Build(context));
        root.Add(DotfilesCommands.Build(context));
        foreach (var command in WorkspaceCommands.Build(context)
                     .Concat(SnapshotCommands.Build(context))
                     .Concat(UpgradeCommands.Build(context))
                     .Concat(ObserveCommands.Build(context))
                     .Concat(AdminCommands.Build(context)))
        {
            root.Add(command);
        }

        return root;
    }
}
