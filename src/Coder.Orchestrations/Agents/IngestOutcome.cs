namespace Coder.Orchestrations.Agents;

/// <summary>What ingest did with one envelope. Every outcome but <see cref="RetryLater"/> settles the message.</summary>
public enum IngestOutcome
{
    Applied,
    Duplicate,
    Rejected,
    RetryLater,
}
