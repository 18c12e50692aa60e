using Coder.Agent.Configuration;
using Coder.Agent.Diagnostics;
using Coder.Agent.Metrics;
using Coder.Agent.Outbox;
using Coder.Contracts.Agents;
using Coder.Contracts.Json;
using Coder.Contracts.Templates;
using Microsoft.Extensions.Logging;

namespace Coder.Agent.Scripts;

/// <summary>
/// Runs manifest scripts with <c>/bin/sh -c</c> in the workspace folder, with the manifest env, the owner's secrets and the
/// agent's CODER_* variables (the agent's own secrets removed), ships their output as <c>log</c> events and their outcome
/// as a <c>script</c> event.
/// </summary>
public sealed class ScriptRunner(AgentSettings settings, EventOutbox outbox, WorkspaceProcesses processes, TimeProvider time, ILogger logger)
{
    public const string StartupPhase = "startup";
    public const string ShutdownPhase = "shutdown";

    public async Task<ScriptOutcome> RunAsync(ManifestScript script, string phase, AgentManifest manifest, CancellationToken cancellationToken)
    {
        var info = ProcessGroup.CreateStartInfo("/bin/sh", ["-c", script.Script], settings.WorkspaceDirectory);
        ApplyEnvironment(info.Environment, manifest);
        void Ship(LogPayload payload) => outbox.Append(AgentEventTypes.Log, payload, CoderJsonContext.Default.LogPayload);
        var stdout = new LogBatcher(script.Name, "stdout", Ship);
        var stderr = new LogBatcher(script.Name, "stderr", Ship);
        Log.ScriptStarting(logger, phase, script.Name);
        var outcome = await ProcessRunner.RunAsync(script.Name, info, TimeSpan.FromSeconds(Math.Max(1, script.TimeoutSeconds)),
            stdout.Add, stderr.Add, time, processes.AddSession, cancellationToken);
        stdout.Flush();
        stderr.Flush();
        outbox.Append(AgentEventTypes.Script,
            new ScriptPayload(script.Name, phase, outcome.ExitCode, (long)outcome.Duration.TotalMilliseconds, outcome.TimedOut, script.BlocksReady),
            CoderJsonContext.Default.ScriptPayload);
        Log.ScriptFinished(logger, phase, script.Name, outcome.ExitCode, outcome.TimedOut, (long)outcome.Duration.TotalMilliseconds);
        return outcome;
    }

    /// <summary>
    /// The one place a workspace process's environment is built: the agent's own without its secrets, the manifest env, the
    /// template parameters as <c>CODER_PARAM_*</c>, the owner's secrets, then the CODER_* variables scripts rely on.
    /// Nothing here is logged.
    /// </summary>
    public void ApplyEnvironment(IDictionary<string, string?> target, AgentManifest manifest)
    {
        AgentSettings.RemoveSecrets(target);
        foreach (var (key, value) in manifest.Env) target[key] = value;
        foreach (var (name, value) in manifest.Parameters) target[TemplateParameterEnvironment.VariableName(name)] = value;
        foreach (var (key, value) in manifest.Secrets) target[key] = value;
        target["CODER_WORKSPACE_ID"] = settings.WorkspaceId;
        target["CODER_AGENT_ID"] = settings.AgentId;
        target["CODER_WORKSPACE_DIR"] = settings.WorkspaceDirectory;
        target["CODER_AGENT_STATE_DIR"] = settings.StateDirectory;
        target["CODER_AGENT_SOCKET"] = settings.SocketPath;
        target["CODER_URL"] = settings.ControlPlaneUrl.ToString().TrimEnd('/');
    }
}
