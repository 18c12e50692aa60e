namespace Coder.Contracts.Agents;

public sealed record ManifestScript(string Name, string Script, int TimeoutSeconds, bool BlocksReady);
