using System.CommandLine;
using Coder.Cli.Connect;
using Coder.Cli.Http;

namespace Coder.Cli.Commands;

/// <summary>What <c>coder ssh</c> and <c>coder port-forward</c> share: the workspace, the replica, and the connector for both.</summary>
static class ConnectOptions
{
    public static Option<int> Replica() => new("--replica")
    {
        Description = "The compute unit (replica) to connect to",
        DefaultValueFactory = _ => 0,
        Validators = { r => { if (r.GetValueOrDefault<int>() < 0) r.AddError("--replica must be 0 or more."); } },
    };

    public static Argument<string> Workspace() => new("workspace") { Description = "Name or id" };

    public static async Task<WorkspaceConnector> ConnectorAsync(CliContext context, CoderClient client, string workspace, int replica, CancellationToken cancellationToken)
    {
        string id = await CliContext.ResolveWorkspaceAsync(client, workspace, cancellationToken);
        return new WorkspaceConnector(client, workspace, id, replica, context.Time);
    }
}
