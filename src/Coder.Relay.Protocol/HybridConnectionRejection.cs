namespace Coder.Relay.Protocol;

/// <summary>A listener's answer to refuse a sender: the sender's connect fails with this status and description.</summary>
public sealed record HybridConnectionRejection(int StatusCode, string Description);
