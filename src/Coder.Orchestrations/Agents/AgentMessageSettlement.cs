namespace Coder.Orchestrations.Agents;

/// <summary>What a queue adapter does with one agent message after ingest looked at it.</summary>
public enum AgentMessageSettlement
{
    /// <summary>Applied, a duplicate, or rejected (logged): remove it from the queue.</summary>
    Complete,

    /// <summary>Ingest could not finish now: release the lock so the message is delivered again (at least once).</summary>
    Abandon,

    /// <summary>Not an envelope at all: no retry can help, so park it for an operator.</summary>
    DeadLetter,
}
