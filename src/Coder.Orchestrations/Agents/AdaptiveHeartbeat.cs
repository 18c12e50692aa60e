namespace Coder.Orchestrations.Agents;

/// <summary>
/// The heartbeat floor a fleet's size calls for: one host's ingest has a budget of heartbeats per second, so the more
/// live agents, the longer the interval each is handed. The floor doubles from the default interval (step 1: 2×, step 2:
/// 4×, …) until the fleet's heartbeats fit the budget, capped; it comes down one step at a time, and only once the fleet
/// would fit the lower step with 20 % to spare, so a fleet near a boundary does not make every agent re-fetch its
/// manifest on each count, and no agent is ever judged against a shorter interval than the one it still runs.
/// </summary>
public static class AdaptiveHeartbeat
{
    /// <summary>How far under the budget the lower step must be before the floor comes down.</summary>
    const double StepDownHeadroom = 0.8;

    /// <summary>The step for <paramref name="liveAgents"/>; <paramref name="current"/> is the step in force now.</summary>
    public static int NextStep(int liveAgents, int baseSeconds, int budgetPerSecond, int maxSeconds, int current)
    {
        if (budgetPerSecond <= 0 || baseSeconds <= 0) return 0;
        int step = current;
        while (Rate(liveAgents, FloorSeconds(step, baseSeconds, maxSeconds, baseSeconds)) > budgetPerSecond && FloorSeconds(step, baseSeconds, maxSeconds, baseSeconds) < maxSeconds) step++;
        if (step == current && step > 0 && Rate(liveAgents, FloorSeconds(step - 1, baseSeconds, maxSeconds, baseSeconds)) <= budgetPerSecond * StepDownHeadroom) step--;
        return step;
    }

    /// <summary>The floor at <paramref name="step"/> in seconds: none (0) at step 0, else the base doubled <paramref name="step"/> times, capped.</summary>
    public static int FloorSeconds(int step, int baseSeconds, int maxSeconds) => step <= 0 ? 0 : FloorSeconds(step, baseSeconds, maxSeconds, 0);

    static int FloorSeconds(int step, int baseSeconds, int maxSeconds, int atZero) =>
        step <= 0 ? atZero : (int)Math.Min(maxSeconds, (long)baseSeconds << Math.Min(step, 20));

    static double Rate(int liveAgents, int intervalSeconds) => liveAgents / (double)Math.Max(1, intervalSeconds);
}
