using System.Runtime.Versioning;
using Coder.Agent.Transport;
using Coder.Contracts.Agents;

namespace Coder.Bench.Scenarios.Fleet;

/// <summary>
/// Wraps the agent's own HTTP transport and records, for every envelope the control plane accepted, the time from its
/// creation in the outbox (its <c>sentAt</c>) to the 202: the HTTP ingest applies a batch before it answers, so that is
/// the time until the event is visible in the control plane.
/// </summary>
[SupportedOSPlatform("linux")]
sealed class LagRecordingTransport(IEventTransport inner, FleetLagRecorder lag, TimeProvider time) : IEventTransport
{
    public int MaxBatchSize => inner.MaxBatchSize;

    public async Task<TransportSendResult> SendAsync(IReadOnlyList<AgentEnvelope> envelopes, CancellationToken cancellationToken)
    {
        long started = time.GetTimestamp();
        var result = await inner.SendAsync(envelopes, cancellationToken);
        lag.RecordSend(time.GetElapsedTime(started));
        var now = time.GetUtcNow();
        for (int i = 0; i < result.Delivered; i++) lag.Record(envelopes[i].Type, now - envelopes[i].SentAt);
        if (result.Error is not null) lag.RecordFailure(Reason(result.Error));
        return result;
    }

    static string Reason(Exception error) => error switch
    {
        HttpRequestException { StatusCode: { } status } => ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture),
        TaskCanceledException => "timeout",
        _ => error.GetType().Name,
    };

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
