namespace Coder.Agent.Transport;

/// <summary>
/// The outcome of one send: the count of leading envelopes delivered, the fault that stopped the rest (if any), and the
/// control plane's config version when the transport learns it (HTTP replies carry it).
/// </summary>
public sealed record TransportSendResult(int Delivered, Exception? Error = null, string? ConfigVersion = null);
