using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Chaos;

/// <summary>A storage outage of the length: the test's own Azurite is stopped, stays down for the whole window, and comes back on the same data and ports.</summary>
public static class StorageOutage
{
    /// <summary>How long storage stays down: the 30 s the issue names.</summary>
    public static readonly TimeSpan Length = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Stops <paramref name="azurite"/>, runs <paramref name="duringOutage"/>, and holds it down until <see cref="Length"/>
    /// has passed since the stop (the window is the point here, so it is a deadline, not a wait on a condition), checking
    /// all along that the host rides it out; then starts it again.
    /// </summary>
    public static async Task HoldAsync(StoppableAzurite azurite, LocalHostProcess host, Func<Task> duringOutage)
    {
        int pid = host.ProcessId ?? throw new InvalidOperationException("The host is not running.");
        await azurite.StopAsync();
        var deadline = DateTimeOffset.UtcNow + Length;
        await duringOutage();
        while (DateTimeOffset.UtcNow < deadline)
        {
            Assert.True(AgentProcesses.IsAlive(pid), "The local host exited during the storage outage:\n" + host.Output);
            await Task.Delay(TimeSpan.FromMilliseconds(500)); // allowed: the tick of a fixed-length outage window
        }

        await azurite.StartAsync();
    }
}
