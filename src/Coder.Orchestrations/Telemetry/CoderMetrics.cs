using System.Diagnostics.Metrics;
using Coder.Contracts.Operations;

namespace Coder.Orchestrations.Telemetry;

/// <summary>
/// The control plane's metrics. Instrument names and dimensions are what the Azure Monitor workbook and alert rules
/// (infra/bicep/workbook.json, infra/bicep/alerts) query; change them together. Durations and lag are in seconds.
/// </summary>
public sealed class CoderMetrics
{
    public const string MeterName = "Coder.ControlPlane";

    readonly Histogram<double> _provision;
    readonly Histogram<double> _start;
    readonly Histogram<double> _snapshot;
    readonly Counter<long> _failures;
    readonly Counter<long> _reconcile;
    readonly Histogram<double> _ingestLag;
    volatile IReadOnlyDictionary<string, int> _byStatus = new Dictionary<string, int>();

    public CoderMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _provision = meter.CreateHistogram<double>("coder.provision.duration", "s", "Time from a provision request to the workspace running (or failing).");
        _start = meter.CreateHistogram<double>("coder.start.duration", "s", "Time from a start request to the workspace running (or failing).");
        _snapshot = meter.CreateHistogram<double>("coder.snapshot.duration", "s", "Time to capture a snapshot.");
        _failures = meter.CreateCounter<long>("coder.orchestration.failures", "{operation}", "Operations that ended failed, by orchestration (operation kind).");
        _reconcile = meter.CreateCounter<long>("coder.reconcile.actions", "{action}", "Actions the reconciler (or an event-driven trigger) took, by reason.");
        _ingestLag = meter.CreateHistogram<double>("coder.ingest.lag", "s", "Delay from an agent sending an event to the control plane applying it.");
        meter.CreateObservableGauge("coder.workspaces.by_status", ObserveByStatus, "{workspace}", "Workspaces by status, as of the last reconcile pass.");
    }

    /// <summary>An operation ended: its duration histogram (provision, start, snapshot) and, when it failed, the failure counter.</summary>
    public void RecordOperationCompleted(OperationKind kind, bool succeeded, TimeSpan duration)
    {
        var outcome = new KeyValuePair<string, object?>("outcome", succeeded ? "succeeded" : "failed");
        double seconds = Math.Max(0, duration.TotalSeconds);
        switch (kind)
        {
            case OperationKind.Provision: _provision.Record(seconds, outcome); break;
            case OperationKind.Start: _start.Record(seconds, outcome); break;
            case OperationKind.Snapshot: _snapshot.Record(seconds, outcome); break;
        }

        if (!succeeded) RecordOrchestrationFailure(Common.WireNames.Of(kind));
    }

    public void RecordOrchestrationFailure(string orchestration) => _failures.Add(1, new KeyValuePair<string, object?>("orchestration", orchestration));

    public void RecordReconcileAction(string reason) => _reconcile.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void RecordIngestLag(TimeSpan lag) => _ingestLag.Record(Math.Max(0, lag.TotalSeconds));

    /// <summary>The reconciler reports the counts it saw on each pass; the gauge reports the latest.</summary>
    public void ReportWorkspacesByStatus(IReadOnlyDictionary<string, int> countsByStatus) => _byStatus = new Dictionary<string, int>(countsByStatus);

    IEnumerable<Measurement<int>> ObserveByStatus() =>
        _byStatus.Select(p => new Measurement<int>(p.Value, new KeyValuePair<string, object?>("status", p.Key)));
}
