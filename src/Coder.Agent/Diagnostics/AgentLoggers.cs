using Microsoft.Extensions.Logging;

namespace Coder.Agent.Diagnostics;

/// <summary>Creates the per-component loggers with one minimum level (<c>CODER_AGENT_LOG_LEVEL</c>).</summary>
public sealed class AgentLoggers(LogLevel minimum, TimeProvider time)
{
    public ILogger Create(string category) => new StderrLogger(category, minimum, time);
}
