namespace Coder.Agent.Configuration;

/// <summary>The environment does not describe a runnable agent; the message names the variable.</summary>
public sealed class AgentConfigurationException(string message) : Exception(message);
