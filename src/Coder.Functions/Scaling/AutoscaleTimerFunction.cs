using Coder.Orchestrations.Scaling;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Coder.Functions.Scaling;

/// <summary>The autoscaler's period: a singleton timer (schedule from the CODER_AUTOSCALE_SCHEDULE setting) running one pass.</summary>
public sealed class AutoscaleTimerFunction(AutoscaleRunner runner)
{
    [Function(nameof(AutoscaleTimer))]
    public Task<AutoscalePassResult> AutoscaleTimer(
        [TimerTrigger("%CODER_AUTOSCALE_SCHEDULE%")] TimerInfo timer,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        runner.RunOnceAsync(client, cancellationToken);
}
