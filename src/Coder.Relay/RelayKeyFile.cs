namespace Coder.Relay;

/// <summary>The key file's JSON shape.</summary>
public sealed record RelayKeyFile(IReadOnlyList<RelayKey> Keys);
