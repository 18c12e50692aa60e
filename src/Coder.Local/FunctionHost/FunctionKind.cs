namespace Coder.Local.FunctionHost;

public enum FunctionKind
{
    Http,
    Orchestrator,
    Activity,
    Queue,
    Timer,
}
