using Coder.Contracts.Upgrades;
using Coder.Orchestrations.Operations;
using Coder.Orchestrations.Upgrades.Activities;
using Microsoft.DurableTask;

namespace Coder.Orchestrations.Upgrades.Orchestrators;

/// <summary>
/// Pause, resume and abort for a running rollout, as external events. One event wait is outstanding at all times, so a
/// signal is taken whenever it arrives: while upgrades run, while a bake timer runs, or while paused. Deterministic: it
/// only waits on durable tasks and records through an activity.
/// </summary>
public sealed class RolloutControl
{
    static readonly TaskOptions Retry = ActivityRetry.Options;

    readonly TaskOrchestrationContext _context;
    readonly string _rolloutId;
    Task<RolloutControlSignal> _next;

    public RolloutControl(TaskOrchestrationContext context, string rolloutId)
    {
        _context = context;
        _rolloutId = rolloutId;
        _next = context.WaitForExternalEvent<RolloutControlSignal>(RolloutControlSignal.EventName);
    }

    public bool Paused { get; private set; }

    public bool AbortRequested { get; private set; }

    public string? AbortedBy { get; private set; }

    /// <summary>Waits for <paramref name="work"/>, taking signals meanwhile; with <paramref name="stopOnAbort"/> an abort ends the wait early.</summary>
    public async Task WaitAsync(Task work, bool stopOnAbort)
    {
        while (!work.IsCompleted)
        {
            if (stopOnAbort && AbortRequested) return;
            var first = await Task.WhenAny(work, _next);
            if (first == _next) await HandleAsync();
        }
    }

    /// <summary>Holds the rollout here while it is paused (an abort lets it go).</summary>
    public async Task CheckpointAsync()
    {
        while (Paused && !AbortRequested)
        {
            await _next;
            await HandleAsync();
        }
    }

    /// <summary>
    /// Azure Storage queues take visibility delays in whole seconds, rounded down, so a timer message can arrive up to a
    /// second before its fire time; the extra second means a wait (a bake) is never observed shorter than asked. Only the
    /// fire time changes, not the actions, so replays of older instances stay deterministic.
    /// </summary>
    public static readonly TimeSpan QueueRoundingAllowance = TimeSpan.FromSeconds(1);

    /// <summary>A durable timer that signals can interrupt (an abort cancels it); it never fires before the delay passed.</summary>
    public async Task DelayAsync(TimeSpan delay)
    {
        using var cancel = new CancellationTokenSource();
        var timer = _context.CreateTimer(_context.CurrentUtcDateTime + delay + QueueRoundingAllowance, cancel.Token);
        await WaitAsync(timer, stopOnAbort: true);
        if (!timer.IsCompleted) cancel.Cancel();
    }

    async Task HandleAsync()
    {
        var signal = await _next;
        _next = _context.WaitForExternalEvent<RolloutControlSignal>(RolloutControlSignal.EventName);
        string? status = null, reason = null;
        switch (signal.Action)
        {
            case RolloutControlSignal.Pause when !Paused && !AbortRequested:
                Paused = true;
                (status, reason) = (RolloutStates.Paused, $"Paused by {signal.Actor}.");
                break;
            case RolloutControlSignal.Resume when Paused && !AbortRequested:
                Paused = false;
                (status, reason) = (RolloutStates.Running, $"Resumed by {signal.Actor}.");
                break;
            case RolloutControlSignal.Abort when !AbortRequested:
                AbortRequested = true;
                AbortedBy = signal.Actor;
                (status, reason) = (RolloutStates.Aborting, $"Abort requested by {signal.Actor}; upgrades in flight finish, nothing new starts.");
                break;
        }

        if (status is not null)
            await _context.CallActivityAsync<bool>(nameof(RecordRolloutActivity), new RolloutProgress(_rolloutId, _context.CurrentUtcDateTime, status, reason), Retry);
    }
}
