namespace Coder.Orchestrations.Scaling;

public enum AutoscaleAction
{
    None,
    Up,
    Down,
}
