namespace Coder.Orchestrations.Operations;

/// <param name="Expected">Ready agents asked to prepare.</param>
/// <param name="Acknowledged">Those of them that answered.</param>
/// <param name="TimeoutSeconds">How long the operation waits for the rest.</param>
public sealed record DrainStatus(int Expected, int Acknowledged, int TimeoutSeconds)
{
    public bool Complete => Acknowledged >= Expected;
}
