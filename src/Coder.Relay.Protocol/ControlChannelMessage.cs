namespace Coder.Relay.Protocol;

/// <summary>One JSON text frame on a listener's control channel; exactly one member is set.</summary>
public sealed record ControlChannelMessage(HybridConnectionAccept? Accept = null, RenewTokenCommand? RenewToken = null);
