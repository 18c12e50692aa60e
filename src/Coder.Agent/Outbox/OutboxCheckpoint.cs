namespace Coder.Agent.Outbox;

/// <summary>
/// The outbox's persisted position: every seq up to <see cref="AckedSeq"/> was delivered, and the next event gets
/// at least <see cref="NextSeq"/>. Written atomically (temp file, fsync, rename).
/// </summary>
public sealed record OutboxCheckpoint(long AckedSeq, long NextSeq);
