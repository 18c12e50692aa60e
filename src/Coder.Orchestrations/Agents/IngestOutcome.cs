namespace Coder.Orchestrations.Agents;

/// <summary>What ingest did with one envelope. Every outcome but <see cref="RetryLater"/> settles the message.</summary>
public enum IngestOutcome
{
    Applied,

    /// <summary>Already applied: a redelivery, or a heartbeat whose time the row already shows (a later event got there first).</summary>
    Duplicate,
    Rejected,
    RetryLater,
}
