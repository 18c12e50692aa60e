namespace Coder.Local.Relay;

/// <summary><c>relay.json</c> in the relay's data folder: which process serves the local relay, and where.</summary>
public sealed record LocalRelayRecord(int Pid, string Url);
