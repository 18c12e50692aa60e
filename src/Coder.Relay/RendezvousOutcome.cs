using System.Net.WebSockets;

namespace Coder.Relay;

/// <summary>
/// How a listener answered an accept: with its rendezvous WebSocket (held open until <see cref="Done"/> completes), or a
/// rejection status for the sender.
/// </summary>
public sealed record RendezvousOutcome(WebSocket? Listener, TaskCompletionSource? Done, int RejectStatus = 0, string? RejectDescription = null);
