namespace Coder.Local.Durable;

public sealed class DurableSidecarOptions
{
    /// <summary>The task hub (CODER_TASKHUB). Several local hosts on one storage account share the work of one hub.</summary>
    public string TaskHub { get; set; } = "coder";

    public int PartitionCount { get; set; } = 4;

    /// <summary>
    /// Where the sidecar's Unix socket goes (made 0700): the local host uses <c>&lt;data dir&gt;/durable</c>. Unset, a new
    /// private temp folder, removed when the sidecar stops.
    /// </summary>
    public string? SocketDirectory { get; set; }

    /// <summary>Queue polling backs off up to this; Durable Functions' default of 30 s is too slow for an interactive machine.</summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a crashed instance's partitions stay leased before another takes them.</summary>
    public TimeSpan LeaseInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a dequeued orchestration message stays hidden. A host that dies mid-episode leaves its messages invisible
    /// this long, so it bounds crash recovery; episodes take milliseconds, so Durable Functions' 5 minutes is far too long.
    /// </summary>
    public TimeSpan ControlQueueVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a dequeued activity stays hidden. The sidecar never renews work-item locks, so every activity must finish
    /// well inside this, and a crashed host's activity is retried after it.
    /// </summary>
    public TimeSpan WorkItemQueueVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
