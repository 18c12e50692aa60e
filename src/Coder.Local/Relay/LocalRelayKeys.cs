namespace Coder.Local.Relay;

/// <summary>keys.json's two keys: the control plane's (Listen and Send; agents' listen tokens) and the Send-only one (users' connect tokens).</summary>
public sealed record LocalRelayKeys(string Key, string? SendKey);
