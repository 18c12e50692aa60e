using Microsoft.DurableTask;

namespace Coder.Orchestrations.Operations;

/// <summary>
/// The one retry policy orchestrators call activities with: activities are idempotent, so a transient failure is tried
/// again after 1 s, 2 s, 4 s. Retries are timers in the orchestration's history, so an orchestrator keeps the number of
/// attempts it has always used; only the count may differ.
/// </summary>
public static class ActivityRetry
{
    public const int DefaultAttempts = 4;

    public static TaskOptions Options { get; } = WithAttempts(DefaultAttempts);

    public static TaskOptions WithAttempts(int maxNumberOfAttempts) =>
        TaskOptions.FromRetryPolicy(new RetryPolicy(maxNumberOfAttempts, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2));
}
