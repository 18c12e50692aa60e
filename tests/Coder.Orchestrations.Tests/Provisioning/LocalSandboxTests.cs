using System.Diagnostics;
using System.Text;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Provisioning.Local;
using Coder.Orchestrations.Tests.Snapshots;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Tests.Provisioning;

/// <summary>
/// The local provisioner's boundary with real agent processes: a workspace runs as its own recorded uid in its sandbox,
/// with an allow-listed environment, and is still found and stopped; without bubblewrap it starts anyway and says why.
/// </summary>
[Collection(StorageCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LocalSandboxTests(TestStorage storage) : IAsyncLifetime
{
    const string Workspace = "ws-sandbox0001";

    /// <summary>A host variable no allow-list names: a secret of the host's must not reach the agent whatever it is called.</summary>
    const string HostSecret = "SANDBOX_TEST_HOST_SECRET";

    readonly string _data = Path.Combine(Path.GetTempPath(), "coder-sandbox-tests", Guid.NewGuid().ToString("N")[..8]);
    readonly List<LocalProcessProvisioner> _provisioners = [];

    static bool Root => Environment.UserName == "root";

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var provisioner in _provisioners) await provisioner.DestroyAsync(new WorkspaceRef(Workspace, "alice"), CancellationToken.None);
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Agent_runs_as_its_recorded_uid_with_an_allow_listed_environment_and_is_found_stopped_and_restarted_as_the_same_uid()
    {
        Environment.SetEnvironmentVariable(HostSecret, "host-secret-value");
        var provisioner = Provisioner();
        var state = await provisioner.EnsureAsync(Spec("b1"), CancellationToken.None);
        var agent = await Eventually.WaitAsync(() => Task.FromResult(provisioner.FindAgents(Workspace).ToList()), a => a.Count == 1 && IsAgentItself(a[0].Pid), TimeSpan.FromSeconds(20), "the agent to run");
        int pid = agent[0].Pid;
        var env = Environ(pid);

        // The environment: only what the allow-lists name, nothing of the host's own, whatever it is called.
        Assert.Equal("cda_sandbox-tests-not-a-real-token", env["CODER_AGENT_TOKEN"]);
        Assert.DoesNotContain(HostSecret, env.Keys);
        Assert.DoesNotContain("CODER_TEST_NOT_FOR_AGENTS", env.Keys);
        var allowed = AgentEnvironment.AgentVariables.Concat(AgentEnvironment.HostVariables)
            .Concat(["PWD"]) // the launching shell's own
            .Concat(["PATH", "HOME", "CODER_AGENT_ID", "CODER_AGENT_REPLICA", "CODER_WORKSPACE_DIR", "CODER_AGENT_LOG", LocalProcessProvisioner.ScopeVariable, LocalProcessProvisioner.InstanceVariable]);
        Assert.Empty(env.Keys.Except(allowed));

        if (!Root)
        {
            // Nothing to switch users with: the workspace runs unisolated, and says so.
            Assert.Equal(new WorkspaceIsolation(LocalSandbox.None, provisioner.Sandbox.Reason), state.Isolation);
            return;
        }

        // As root (as CI runs): sandboxed, as the uid recorded for the workspace, which owns its home.
        Assert.Equal(LocalSandbox.Sandboxed, state.Isolation!.Level);
        int uid = provisioner.Uids.Find(Workspace) ?? throw new InvalidOperationException("No uid was recorded.");
        Assert.InRange(uid, WorkspaceUids.First, WorkspaceUids.First + WorkspaceUids.Count - 1);
        Assert.Equal(uid, UidOf(pid));
        Assert.Equal(uid.ToString(System.Globalization.CultureInfo.InvariantCulture), Stat("%u", provisioner.WorkspaceDirectory(Workspace)));
        Assert.Equal("700", Stat("%a", provisioner.WorkspaceDirectory(Workspace)));

        // Its cgroup stays the host's: root-owned, writable by nobody else (and not even mounted writable in the sandbox).
        foreach (string group in provisioner.Cgroups.GroupsOf(Workspace, 0))
        {
            Assert.Equal("0", Stat("%u", group));
            Assert.Equal("0", Stat("%u", Path.Combine(group, "cgroup.procs")));
            Assert.Equal(0, (int)(File.GetUnixFileMode(Path.Combine(group, "cgroup.procs")) & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)));
        }

        // Stopped, then started by a new provisioner on the same data folder (a host restart): the same uid again.
        await provisioner.StopAsync(new WorkspaceRef(Workspace, "alice"), CancellationToken.None);
        Assert.False(ProcessAlive(pid));
        Assert.Empty(provisioner.FindAgents(Workspace));
        var restarted = Provisioner();
        await restarted.EnsureAsync(Spec("b2"), CancellationToken.None);
        var again = await Eventually.WaitAsync(() => Task.FromResult(restarted.FindAgents(Workspace).ToList()), a => a.Count == 1 && IsAgentItself(a[0].Pid), TimeSpan.FromSeconds(20), "the agent to run again");
        Assert.Equal(uid, restarted.Uids.Find(Workspace));
        Assert.Equal(uid, UidOf(again[0].Pid));
        Assert.Equal("b2", again[0].BuildId);
    }

    [Fact]
    public async Task Without_bubblewrap_the_workspace_still_starts_and_reports_isolation_none_with_the_reason()
    {
        var provisioner = Provisioner(new LocalSandbox(bubblewrapPath: "/nonexistent/bwrap"));
        var state = await provisioner.EnsureAsync(Spec("b1"), CancellationToken.None);

        Assert.Equal(LocalSandbox.None, state.Isolation!.Level);
        Assert.Contains(Root ? "bubblewrap was not found (/nonexistent/bwrap" : "not run as root", state.Isolation.Reason, StringComparison.Ordinal);
        Assert.Contains("Isolation: none.", state.Note, StringComparison.Ordinal);
        var agent = await Eventually.WaitAsync(() => Task.FromResult(provisioner.FindAgents(Workspace).ToList()), a => a.Count == 1 && IsAgentItself(a[0].Pid), TimeSpan.FromSeconds(20), "the unisolated agent to run");
        Assert.Equal(Environment.UserName == "root" ? 0 : UidOf(Environment.ProcessId), UidOf(agent[0].Pid));
        Assert.Null(provisioner.Uids.Find(Workspace));

        // Not root: the same, with that reason (injected, since this run may well be root).
        var notRoot = new LocalSandbox(runningAsRoot: false);
        Assert.False(notRoot.Isolated);
        Assert.Contains("does not run as root", notRoot.Reason, StringComparison.Ordinal);
        Assert.Equal(["/bin/true"], notRoot.Wrap("/tmp", 1, [], ["/bin/true"]));
    }

    [Fact]
    public void Uids_are_allocated_once_per_workspace_recorded_and_reused_and_never_shared()
    {
        var uids = new WorkspaceUids(_data);
        int a = uids.GetOrAllocate("ws-a");
        int b = uids.GetOrAllocate("ws-b");
        Assert.NotEqual(a, b);
        Assert.InRange(a, WorkspaceUids.First, WorkspaceUids.First + WorkspaceUids.Count - 1);
        Assert.Equal(a, uids.GetOrAllocate("ws-a"));

        // Recorded: another instance on the same folder (a restarted or second host) reads the same.
        var other = new WorkspaceUids(_data);
        Assert.Equal((a, b), (other.Find("ws-a"), other.Find("ws-b")));

        // Many allocations at once, from two "hosts": one uid per workspace, no uid for two workspaces.
        var ids = Enumerable.Range(0, 40).Select(i => $"ws-race{i % 10}").ToList();
        var results = ids.AsParallel().Select((id, i) => (id, uid: (i % 2 == 0 ? uids : other).GetOrAllocate(id))).ToList();
        Assert.All(results.GroupBy(r => r.id), g => Assert.Single(g.Select(r => r.uid).Distinct()));
        Assert.Equal(10, results.Select(r => r.uid).Distinct().Count());
        Assert.Equal(10, Directory.GetFiles(Path.Combine(_data, "uids", "taken")).Count(f => !f.EndsWith(".tmp", StringComparison.Ordinal)) - 2);

        // A data folder from before records are links still holds plain files: they are read the same.
        File.WriteAllText(Path.Combine(_data, "uids", "workspaces", "ws-legacy"), "2000123\n");
        Assert.Equal(2_000_123, uids.GetOrAllocate("ws-legacy"));

        // Released with the workspace: the record goes, and the uid is free for another.
        uids.Release("ws-a");
        Assert.Null(other.Find("ws-a"));
        Assert.False(File.Exists(Path.Combine(_data, "uids", "taken", a.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    LocalProcessProvisioner Provisioner(LocalSandbox? sandbox = null)
    {
        var (snapshots, _, _) = SnapshotStoreFactory.Create(storage);
        var provisioner = new LocalProcessProvisioner(
            Options.Create(new LocalProvisionerOptions { DataDirectory = _data, AgentPath = AgentBuildOutput.Dll(), StopTimeoutSeconds = 2 }),
            TimeProvider.System,
            NullLogger<LocalProcessProvisioner>.Instance,
            snapshots,
            sandbox);
        _provisioners.Add(provisioner);
        return provisioner;
    }

    /// <summary>An agent that talks to a control plane nobody listens on, with one variable the agent does not read.</summary>
    static WorkspaceResourceSpec Spec(string build) => new(
        new WorkspaceRef(Workspace, "alice"), "py", 1, null, 0.5, 256, null, 1, build,
        new Dictionary<string, string>
        {
            ["CODER_WORKSPACE_ID"] = Workspace,
            ["CODER_AGENT_BUILD"] = build,
            ["CODER_AGENT_TOKEN"] = "cda_sandbox-tests-not-a-real-token",
            ["CODER_AGENT_TRANSPORT"] = "http",
            ["CODER_URL"] = "http://127.0.0.1:9",
            ["CODER_TEST_NOT_FOR_AGENTS"] = "dropped",
        });

    static Dictionary<string, string> Environ(int pid) =>
        Encoding.UTF8.GetString(File.ReadAllBytes($"/proc/{pid}/environ")).Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);

    static int UidOf(int pid) =>
        int.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The agent (dotnet running it), not a launcher that inventory reports while the sandbox comes up.</summary>
    static bool IsAgentItself(int pid) => Path.GetFileName(File.ReadAllText($"/proc/{pid}/cmdline").Split('\0')[0]) == "dotnet";

    static bool ProcessAlive(int pid) => File.Exists($"/proc/{pid}/status") && !File.ReadLines($"/proc/{pid}/status").Any(l => l.StartsWith("State:\tZ", StringComparison.Ordinal));

    static string Stat(string format, string path)
    {
        var psi = new ProcessStartInfo("stat") { RedirectStandardOutput = true, UseShellExecute = false, ArgumentList = { "-c", format, path } };
        using var stat = Process.Start(psi)!;
        string output = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return output;
    }
}
