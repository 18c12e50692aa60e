namespace Coder.Local.Durable;

public sealed class DurableSidecarOptions
{
    /// <summary>The task hub (CODER_TASKHUB). Several local hosts on one storage account share the work of one hub.</summary>
    public string TaskHub { get; set; } = "coder";

    public int PartitionCount { get; set; } = 4;

    /// <summary>Queue polling backs off up to this; Durable Functions' default of 30 s is too slow for an interactive machine.</summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a crashed instance's partitions stay leased before another takes them.</summary>
    public TimeSpan LeaseInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a dequeued message stays invisible. The sidecar never renews it, so this bounds how long a crashed
    /// instance's in-flight work waits before another instance takes it over (Durable Functions' 5 min would outlast a
    /// 2 min failover); activities are idempotent and finish well inside it.
    /// </summary>
    public TimeSpan QueueVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(45);
}
