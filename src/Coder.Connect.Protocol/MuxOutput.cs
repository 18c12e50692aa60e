namespace Coder.Connect.Protocol;

/// <summary>A chunk the agent sent on a session: stdout (a pty's screen, a TCP peer's bytes) or stderr.</summary>
public readonly record struct MuxOutput(MuxChannel Channel, ReadOnlyMemory<byte> Bytes);
