namespace Coder.Local.Relay;

/// <summary>The relay the host's tokens are for: its URL, the keys that sign them (Listen+Send, Send-only), and how the host came by it.</summary>
public sealed record LocalRelayConnection(string Url, LocalRelayKeys Keys, int? Pid, string How);
