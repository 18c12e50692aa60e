using System.Runtime.InteropServices;
using Coder.Agent.Configuration;
using Coder.Agent.Diagnostics;
using Coder.Agent.Runtime;
using Coder.Agent.Sessions;

// coder-agent             run the agent (configured by CODER_* environment variables)
// coder-agent session ... talk to a running agent's control socket
// coder-agent --version   print the version (and load the libraries the agent needs: the control plane's preflight)
if (args is [VersionCommand.Flag])
{
    return VersionCommand.Run(Console.Out);
}

if (args is ["session", ..])
{
    return await SessionCommand.RunAsync(args[1..], Console.Out, Console.Error, CancellationToken.None);
}

AgentSettings settings;
try
{
    settings = AgentSettings.FromEnvironment();
}
catch (AgentConfigurationException ex)
{
    await Console.Error.WriteLineAsync($"coder-agent: {ex.Message}");
    return 2;
}

using var shutdown = new CancellationTokenSource();
void RequestShutdown(PosixSignalContext context)
{
    context.Cancel = true;
    shutdown.Cancel();
}
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, RequestShutdown);
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, RequestShutdown);

var loggers = new AgentLoggers(StderrLogger.ParseLevel(Environment.GetEnvironmentVariable("CODER_AGENT_LOG_LEVEL")), TimeProvider.System);
await new AgentRuntime(settings, TimeProvider.System, loggers).RunAsync(shutdown.Token);
return 0;
