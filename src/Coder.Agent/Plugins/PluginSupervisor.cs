using System.Text;
using System.Text.Json;
using Coder.Agent.Configuration;
using Coder.Agent.Diagnostics;
using Coder.Agent.Metrics;
using Coder.Agent.Outbox;
using Coder.Agent.Runtime;
using Coder.Agent.Scripts;
using Coder.Contracts.Agents;
using Coder.Contracts.Json;
using Microsoft.Extensions.Logging;

namespace Coder.Agent.Plugins;

/// <summary>
/// Runs the manifest's plugins, each on its own interval with a timeout, and restarts the set when the manifest changes.
/// A plugin that crashes, hangs or prints garbage is reported as a <c>custom</c> event and never blocks the agent.
/// </summary>
public sealed class PluginSupervisor(AgentSettings settings, ManifestState manifest, ScriptRunner scripts, PluginResults results,
    WorkspaceProcesses processes, EventOutbox outbox, TimeProvider time, ILogger logger)
{
    const int MaxOutputChars = 64 * 1024;

    public string PluginsDirectory => Path.Combine(settings.WorkspaceDirectory, ".coder", "plugins");

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var changed = manifest.ChangeToken;
            var plugins = manifest.Current.Plugins;
            results.RetainOnly(plugins.Select(p => p.Name).ToHashSet(StringComparer.Ordinal));
            using var round = CancellationTokenSource.CreateLinkedTokenSource(changed, cancellationToken);
            var loops = plugins.Select(p => Task.Run(() => LoopAsync(p, round.Token), CancellationToken.None)).ToList();
            try
            {
                await Task.Delay(Timeout.Infinite, round.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The manifest changed: stop this set and start the new one.
            }
            finally
            {
                await Task.WhenAll(loops);
            }
        }
    }

    async Task LoopAsync(AgentPlugin plugin, CancellationToken cancellationToken)
    {
        Dictionary<string, string>? lastMetadata = null;
        try
        {
            while (true)
            {
                lastMetadata = await RunOnceAsync(plugin, lastMetadata, cancellationToken);
                await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, plugin.IntervalSeconds)), time, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped with its set.
        }
    }

    async Task<Dictionary<string, string>?> RunOnceAsync(AgentPlugin plugin, Dictionary<string, string>? lastMetadata,
        CancellationToken cancellationToken)
    {
        string command = Path.IsPathRooted(plugin.Command) ? plugin.Command : Path.GetFullPath(Path.Combine(PluginsDirectory, plugin.Command));
        var info = ProcessGroup.CreateStartInfo(command, [], settings.WorkspaceDirectory);
        scripts.ApplyEnvironment(info.Environment, manifest.Current);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        void Append(StringBuilder target, string line)
        {
            lock (target)
            {
                if (target.Length < MaxOutputChars) target.AppendLine(line);
            }
        }
        var outcome = await ProcessRunner.RunAsync(plugin.Name, info, TimeSpan.FromSeconds(Math.Max(1, plugin.TimeoutSeconds)),
            line => Append(stdout, line), line => Append(stderr, line), time, processes.AddSession, cancellationToken);
        if (outcome.Canceled) return lastMetadata;
        if (!outcome.Succeeded)
        {
            string reason = outcome.TimedOut ? $"timed out after {plugin.TimeoutSeconds}s"
                : outcome.ExitCode is { } code ? $"exited with code {code}" : "could not start";
            Fail(plugin, reason, stderr.ToString());
            return lastMetadata;
        }
        try
        {
            var output = PluginOutput.Parse(stdout.ToString());
            results.Set(plugin.Name, output.Metrics);
            var metadata = new Dictionary<string, string>(output.Metadata, StringComparer.Ordinal);
            if (metadata.Count > 0 && (lastMetadata is null || !Same(lastMetadata, metadata)))
            {
                outbox.Append(AgentEventTypes.Custom, new CustomPayload(CustomEventKinds.PluginMetadata, plugin.Name, Metadata: metadata),
                    CoderJsonContext.Default.CustomPayload);
            }
            return metadata;
        }
        catch (JsonException ex)
        {
            Fail(plugin, $"printed invalid JSON: {ex.Message}", stderr.ToString());
            return lastMetadata;
        }
    }

    void Fail(AgentPlugin plugin, string reason, string stderr)
    {
        Log.PluginFailed(logger, plugin.Name, reason);
        string tail = stderr.Length > 2048 ? stderr[^2048..] : stderr;
        outbox.Append(AgentEventTypes.Custom,
            new CustomPayload(CustomEventKinds.PluginFailed, plugin.Name, reason, tail.Length > 0 ? new Dictionary<string, string> { ["stderr"] = tail } : null),
            CoderJsonContext.Default.CustomPayload);
    }

    static bool Same(Dictionary<string, string> a, Dictionary<string, string> b) =>
        a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out string? value) && value == pair.Value);
}
