namespace Coder.Relay.Protocol;

/// <summary>How a listener keeps its control channel up.</summary>
public sealed class HybridConnectionListenerOptions
{
    /// <summary>The first wait after the control channel drops; doubled per failed attempt up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan InitialReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>WebSocket pings keep the control channel alive through NATs and idle timeouts (Azure closes idle ones).</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Sends <c>renewToken</c> halfway through what remains of each token's life, so the channel never lapses.</summary>
    public bool RenewTokenBeforeExpiry { get; set; } = true;

    /// <summary>Decides per sender; null accepts. A rejection reaches the sender as its connect's HTTP status.</summary>
    public Func<HybridConnectionAccept, CancellationToken, ValueTask<HybridConnectionRejection?>>? AcceptHandler { get; set; }

    /// <summary>Called with true each time the control channel opens and with false each time it drops (the listener then reconnects).</summary>
    public Action<bool>? OnlineChanged { get; set; }

    /// <summary>Called when a sender the <see cref="AcceptHandler"/> let through could not be joined (the rendezvous failed).</summary>
    public Action<HybridConnectionAccept>? RendezvousFailed { get; set; }
}
