namespace Coder.Local.Relay;

/// <summary>The relay the host's tokens are for: its URL and the key that signs them, and how the host came by it.</summary>
public sealed record LocalRelayConnection(string Url, string KeyName, string Key, int? Pid, string How);
