using System.CommandLine;
using Coder.Cli.Connect;

namespace Coder.Cli.Commands;

/// <summary><c>coder port-forward &lt;ws&gt; --tcp [bind:]local:remote ...</c>: local ports to ports inside a workspace, until Ctrl-C.</summary>
public static class PortForwardCommand
{
    public static Command Build(CliContext context)
    {
        var workspace = ConnectOptions.Workspace();
        var tcp = new Option<string[]>("--tcp")
        {
            Description = "[bind:]local:remote, repeatable; bind defaults to 127.0.0.1, local 0 takes a free port",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        tcp.Validators.Add(result =>
        {
            foreach (string spec in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (ForwardSpec.TryParse(spec, out string? error) is null) result.AddError($"--tcp {error}");
            }
        });
        var replica = ConnectOptions.Replica();
        var command = new Command("port-forward", "Forward local TCP ports to ports on 127.0.0.1 inside a workspace, through the relay, until Ctrl-C.")
        {
            workspace, tcp, replica,
        };
        context.ExitingAction(command, async (parse, client, ct) =>
        {
            string name = parse.GetValue(workspace)!;
            var specs = parse.GetValue(tcp)!.Select(s => ForwardSpec.TryParse(s, out _)!).ToList();
            var connector = await ConnectOptions.ConnectorAsync(context, client, name, parse.GetValue(replica), ct);
            // One relay connection first, so a stopped workspace or a refusal is an error now, not at the first request.
            await using var pool = new MuxConnectionPool(connector, MuxConnectionPool.DefaultMaxSessionsPerConnection);
            await pool.WarmUpAsync(ct);
            var listeners = PortForwarder.Listen(specs);
            var report = context.Console.StdErr;
            foreach (var (spec, listener) in listeners)
            {
                var local = (System.Net.IPEndPoint)listener.LocalEndpoint;
                report.WriteLine($"Forwarding {PortForwarder.Format(local.Address, local.Port)} -> {name}:{spec.RemotePort}");
            }

            report.WriteLine("Ctrl-C to stop.");
            await new PortForwarder(pool, name, report).RunAsync(listeners, ct);
            return 0;
        });
        return command;
    }
}
