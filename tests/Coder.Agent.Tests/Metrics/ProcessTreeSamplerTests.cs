using System.Diagnostics;
using Coder.Agent.Metrics;
using Coder.Agent.Scripts;

namespace Coder.Agent.Tests.Metrics;

/// <summary>
/// What the agent counts as the workspace's processes, on real processes and <c>/proc</c>: the children a startup script
/// leaves in the background still count after the script exits and they are re-parented.
/// </summary>
[Collection(ProcessTreeCollection.Name)]
public sealed class ProcessTreeSamplerTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("coder-sampler-test-").FullName;

    [Fact]
    public void Retain_KeepsASessionAddedWhileTheSampleWasReading_ForgetsItOnceATrackedSessionHasNoProcess()
    {
        var processes = new WorkspaceProcesses();
        var trackedAtRead = processes.Tracked();
        processes.AddSession(4_000_001); // a script started between the sample's snapshot and its read of /proc

        processes.Retain(trackedAtRead, new HashSet<int>());
        Assert.True(processes.IsTrackedSession(4_000_001));

        processes.Retain(processes.Tracked(), new HashSet<int>());
        Assert.False(processes.IsTrackedSession(4_000_001));
    }

    [Fact]
    public async Task Take_CountsTheCpuOfABusyLoopAScriptLeftBehind_UntilItIsKilled()
    {
        var processes = new WorkspaceProcesses();
        var sampler = new ProcessTreeSampler(processes, TimeProvider.System);
        sampler.Take();
        var info = ProcessGroup.CreateStartInfo("/bin/sh", ["-c", "(while :; do :; done) >/dev/null 2>&1 & echo $! > busy.pid"], _directory);
        var outcome = await ProcessRunner.RunAsync("busy", info, TimeSpan.FromSeconds(30), _ => { }, _ => { }, TimeProvider.System,
            processes.AddSession, CancellationToken.None);
        Assert.Equal(0, outcome.ExitCode);
        using var busy = Process.GetProcessById(int.Parse(File.ReadAllText(Path.Combine(_directory, "busy.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            // The script's shell has exited, so the loop is no longer the agent's descendant: only its session ties it to the workspace.
            await Eventually.WaitAsync(() => Task.FromResult(sampler.Take()), s => s.CpuCores > 0.3 && s.Processes >= 2,
                TimeSpan.FromSeconds(20), "the busy loop's CPU in the sample", TimeSpan.FromMilliseconds(300));
        }
        finally
        {
            busy.Kill();
            await busy.WaitForExitAsync(CancellationToken.None);
        }

        await Eventually.WaitAsync(() => Task.FromResult(sampler.Take()), s => s.CpuCores < 0.3, TimeSpan.FromSeconds(20),
            "the killed loop to leave the sample", TimeSpan.FromMilliseconds(300));
        Assert.Empty(processes.Tracked());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
