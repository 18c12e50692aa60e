using Coder.Agent.Configuration;
using Coder.Contracts.Agents;
using Microsoft.Extensions.Logging;

namespace Coder.Agent.Diagnostics;

/// <summary>Source-generated log messages. None of them carries the agent token or a connection string.</summary>
public static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Agent starting for workspace {WorkspaceId} as {AgentId} over {Transport}; {Pending} events pending in the outbox")]
    public static partial void AgentStarting(ILogger logger, string workspaceId, string agentId, AgentTransportKind transport, int pending);

    [LoggerMessage(2, LogLevel.Information, "Agent stopped; outbox flushed: {Flushed}, {Pending} events left")]
    public static partial void AgentStopped(ILogger logger, bool flushed, int pending);

    [LoggerMessage(3, LogLevel.Information, "Lifecycle {State}{Reason}")]
    private static partial void LifecycleReportedCore(ILogger logger, AgentLifecycle state, string reason);

    public static void LifecycleReported(ILogger logger, AgentLifecycle state, string? reason) =>
        LifecycleReportedCore(logger, state, reason is null ? "" : $": {reason}");

    [LoggerMessage(4, LogLevel.Debug, "Lifecycle {State} ignored: it does not move forward from {Current}")]
    public static partial void LifecycleIgnored(ILogger logger, AgentLifecycle state, AgentLifecycle current);

    [LoggerMessage(5, LogLevel.Warning, "Control plane manifest unavailable; retrying")]
    public static partial void ManifestUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(6, LogLevel.Information, "Applied manifest {ConfigVersion}: heartbeat {HeartbeatSeconds}s, metrics {MetricsSeconds}s, {Plugins} plugins")]
    public static partial void ManifestApplied(ILogger logger, string configVersion, int heartbeatSeconds, int metricsSeconds, int plugins);

    [LoggerMessage(7, LogLevel.Information, "Running {Phase} script {Script}")]
    public static partial void ScriptStarting(ILogger logger, string phase, string script);

    [LoggerMessage(8, LogLevel.Information, "{Phase} script {Script} ended: exit code {ExitCode}, timed out {TimedOut}, {DurationMs} ms")]
    public static partial void ScriptFinished(ILogger logger, string phase, string script, int? exitCode, bool timedOut, long durationMs);

    [LoggerMessage(9, LogLevel.Warning, "Transport unavailable; {Pending} events wait in the outbox")]
    public static partial void TransportOffline(ILogger logger, int pending, Exception exception);

    [LoggerMessage(10, LogLevel.Information, "Transport back; {Pending} events left to send")]
    public static partial void TransportOnline(ILogger logger, int pending);

    [LoggerMessage(11, LogLevel.Warning, "Shutdown flush ran out of time with {Pending} events still in the outbox; they are sent after a restart")]
    public static partial void FlushIncomplete(ILogger logger, int pending);

    [LoggerMessage(12, LogLevel.Warning, "Outbox full ({Capacity}): dropped {Dropped} events (metrics first; never lifecycle or script)")]
    public static partial void OutboxDropped(ILogger logger, int dropped, int capacity);

    [LoggerMessage(13, LogLevel.Warning, "Outbox file {Path} unreadable; starting from its log")]
    public static partial void OutboxCorrupt(ILogger logger, string path, Exception exception);

    [LoggerMessage(14, LogLevel.Error, "Routine {Routine} failed; restarting with backoff")]
    public static partial void RoutineFailed(ILogger logger, string routine, Exception exception);

    [LoggerMessage(15, LogLevel.Information, "Startup scripts skipped: this agent already reported {State} before a restart")]
    public static partial void StartupSkipped(ILogger logger, AgentLifecycle state);

    [LoggerMessage(16, LogLevel.Debug, "Session socket listening on {Path}")]
    public static partial void SessionSocketListening(ILogger logger, string path);

    [LoggerMessage(17, LogLevel.Debug, "Session client dropped")]
    public static partial void SessionClientDropped(ILogger logger, Exception exception);

    [LoggerMessage(18, LogLevel.Warning, "Plugin {Plugin} failed: {Reason}")]
    public static partial void PluginFailed(ILogger logger, string plugin, string reason);

    [LoggerMessage(19, LogLevel.Information, "Connection {ConnectionId}: session {SessionId} opened ({Kind})")]
    public static partial void ConnectSessionOpened(ILogger logger, string connectionId, uint sessionId, string kind);

    [LoggerMessage(20, LogLevel.Information, "Connection {ConnectionId}: session {SessionId} closed")]
    public static partial void ConnectSessionClosed(ILogger logger, string connectionId, uint sessionId);

    [LoggerMessage(21, LogLevel.Warning, "Connection {ConnectionId}: session {SessionId} refused: {Reason}")]
    public static partial void ConnectSessionRefused(ILogger logger, string connectionId, uint sessionId, string reason);

    [LoggerMessage(22, LogLevel.Warning, "Connection {ConnectionId}: session {SessionId} failed: {Reason}")]
    public static partial void ConnectSessionFailed(ILogger logger, string connectionId, uint sessionId, string reason);

    [LoggerMessage(23, LogLevel.Warning, "Connection {ConnectionId} broken: {Reason}")]
    public static partial void ConnectBroken(ILogger logger, string connectionId, string reason);

    [LoggerMessage(24, LogLevel.Information, "Relay connection {ConnectionId} accepted for session {SessionHeader} from {Remote}")]
    public static partial void RelayConnectionAccepted(ILogger logger, string connectionId, string sessionHeader, string remote);

    [LoggerMessage(25, LogLevel.Warning, "Relay connection refused: {Active} of {Limit} connections are open")]
    public static partial void RelayConnectionRefused(ILogger logger, int active, int limit);

    [LoggerMessage(26, LogLevel.Warning, "Relay listener on {Path} could not open; retrying in {DelayMs} ms: {Reason}")]
    public static partial void RelayOpenFailed(ILogger logger, string path, double delayMs, string reason);

    [LoggerMessage(27, LogLevel.Information, "Relay listener on {Path}: listening={Listening}, sshd={Sshd}")]
    public static partial void RelayStatus(ILogger logger, string path, bool listening, string? sshd);

    [LoggerMessage(28, LogLevel.Debug, "sshd: {Line}")]
    public static partial void SshdOutput(ILogger logger, string line);

    [LoggerMessage(29, LogLevel.Information, "The control plane handed this agent a new token; the old one is revoked")]
    public static partial void TokenRotated(ILogger logger);

    [LoggerMessage(30, LogLevel.Information, "Claimed from the warm pool: personalized from manifest {ConfigVersion} ({Secrets} secrets, dotfiles: {Dotfiles})")]
    public static partial void Personalized(ILogger logger, string configVersion, int secrets, bool dotfiles);

    [LoggerMessage(31, LogLevel.Warning, "Claimed from the warm pool: personalizing failed; confirming anyway so the workspace does not stay starting (the failure is on the timeline)")]
    public static partial void PersonalizeFailed(ILogger logger, Exception exception);

    [LoggerMessage(32, LogLevel.Warning, "Could not keep the rotated agent token in the state folder; a restarted agent will not authenticate")]
    public static partial void TokenNotPersisted(ILogger logger, Exception exception);
}
