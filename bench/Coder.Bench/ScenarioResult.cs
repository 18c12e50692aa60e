namespace Coder.Bench;

/// <summary>
/// One measured figure. <paramref name="Ratio"/> is figure ÷ baseline when higher is better, and baseline ÷ figure when lower is
/// better, so a ratio above 1 always means "better than the baseline". <paramref name="Goal"/> is the target ratio or value, as text.
/// </summary>
public sealed record ScenarioResult(
    string Scenario,
    string Metric,
    double Value,
    string Unit,
    string? BaselineName,
    double? Baseline,
    double? Ratio,
    string? Goal,
    string? Note = null);
