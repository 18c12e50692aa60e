namespace Coder.Contracts.Agents;

/// <summary>Kinds of <see cref="CustomPayload"/> the agent emits.</summary>
public static class CustomEventKinds
{
    /// <summary>A plugin printed new metadata.</summary>
    public const string PluginMetadata = "plugin_metadata";

    /// <summary>A plugin crashed, hung past its timeout, or printed something that is not its JSON shape.</summary>
    public const string PluginFailed = "plugin_failed";

    /// <summary>The outbox was full and dropped events; <c>values.dropped</c> says how many.</summary>
    public const string OutboxDropped = "outbox_dropped";
}
