namespace Coder.Orchestrations.Scaling;

/// <param name="Evaluated">Running workspaces with autoscale on (or dry-run) that got a decision.</param>
/// <param name="Started">Scale operations the pass started.</param>
public sealed record AutoscalePassResult(int Evaluated, int Started);
