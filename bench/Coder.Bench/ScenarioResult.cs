namespace Coder.Bench;

/// <summary>
/// One measured figure. <paramref name="Ratio"/> is figure ÷ baseline when higher is better, and baseline ÷ figure when lower is
/// better, so a ratio above 1 always means "better than the baseline". <paramref name="Goal"/> is the target ratio or value, as text;
/// <paramref name="Passed"/> says whether it was met (null: no goal). <paramref name="StandIns"/> names what stood in for a real part.
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
    string? Note = null,
    bool? Passed = null,
    IReadOnlyList<string>? StandIns = null);
