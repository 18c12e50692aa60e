using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Coder.Orchestrations.Provisioning.Local.ChunkStore;
using Microsoft.Extensions.Options;

namespace Coder.Orchestrations.Provisioning.Local;

/// <summary>
/// Workspaces on this machine: a folder under the data directory plus one agent process per replica. Agents run in their
/// own session (setsid), so they outlive a control-plane crash and their whole process tree can be signalled at once.
/// Inventory reads /proc, so a process killed from outside is seen as gone and a stray one is seen at all. A scope tag
/// (a hash of the data folder) keeps two local control planes on one machine out of each other's inventory. Each
/// workspace runs in its own sandbox (see <see cref="LocalSandbox"/>) as its own uid (see <see cref="WorkspaceUids"/>) with
/// an environment built from an allow-list (see <see cref="AgentEnvironment"/>).
/// </summary>
public sealed partial class LocalProcessProvisioner : IWorkspaceProvisioner
{
    public const string ScopeVariable = "CODER_PROVISIONER_SCOPE";

    /// <summary>Marks the agents of a second compute instance (a blue-green green), so inventory tells the two apart.</summary>
    public const string InstanceVariable = "CODER_COMPUTE_INSTANCE";

    readonly LocalProvisionerOptions _options;
    readonly TimeProvider _time;
    readonly ILogger<LocalProcessProvisioner> _logger;
    readonly string _workspacesRoot;
    readonly ChunkedBlobSnapshotStore _snapshots;

    /// <param name="sandbox">The boundary to use; null detects it (tests inject one that cannot isolate).</param>
    public LocalProcessProvisioner(IOptions<LocalProvisionerOptions> options, TimeProvider time, ILogger<LocalProcessProvisioner> logger, ChunkedBlobSnapshotStore snapshots, LocalSandbox? sandbox = null)
    {
        _snapshots = snapshots;
        _options = options.Value;
        _time = time;
        _logger = logger;
        string data = Path.GetFullPath(_options.DataDirectory);
        _workspacesRoot = Path.Combine(data, "workspaces");
        Scope = ScopeFor(data);
        Cgroups = new LinuxCgroups(Scope);
        Sandbox = sandbox ?? new LocalSandbox(_options.BubblewrapPath);
        Uids = new WorkspaceUids(data);
        if (!Sandbox.Isolated) LogNotIsolated(_logger, Sandbox.Reason!);
    }

    /// <summary>Whether workspaces are isolated from the host and each other (or why not).</summary>
    public LocalSandbox Sandbox { get; }

    /// <summary>The uid each sandboxed workspace runs as.</summary>
    public WorkspaceUids Uids { get; }

    /// <summary>Where CPU and memory limits are enforced (or why they are advisory).</summary>
    public LinuxCgroups Cgroups { get; }

    public string Name => "local";

    /// <summary>The scope tag of the control plane whose data folder is <paramref name="dataDirectory"/>.</summary>
    public static string ScopeFor(string dataDirectory) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(dataDirectory))))[..12];

    /// <summary>The tag that marks this control plane's agents.</summary>
    public string Scope { get; }

    /// <summary>Everything: cgroup limits change live, the folder goes with its compute and hooks run in the sandbox.</summary>
    public static ProvisionerCapabilities Declared { get; } = new(LiveResize: true, Snapshots: true, Instances: true,
        SnapshotHooks: true, LostContentRestore: true, SnapshotDelete: true, MaxReplicas: 20);

    public ProvisionerCapabilities Capabilities => Declared;

    public string WorkspaceDirectory(string workspaceId) => Path.Combine(_workspacesRoot, workspaceId);

    /// <summary>The folder of one compute instance of a workspace.</summary>
    public string WorkspaceDirectory(WorkspaceRef workspace) => Path.Combine(_workspacesRoot, workspace.ComputeName);

    public async Task<WorkspaceResourceState> EnsureAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken)
    {
        string dir = WorkspaceDirectory(spec.Workspace);
        bool created = !Directory.Exists(dir);
        Directory.CreateDirectory(dir);

        // Agents of another build, or replicas beyond the wanted count, go; the wanted ones that are missing start.
        var running = FindAgents(spec.Workspace).ToList();
        var stale = running.Where(a => a.BuildId != spec.BuildId || a.Replica >= spec.Replicas).ToList();
        if (stale.Count > 0) await TerminateAsync(stale, TimeSpan.FromSeconds(_options.StopTimeoutSeconds), cancellationToken);
        var present = running.Except(stale).Select(a => a.Replica).ToHashSet();
        var (enforced, note) = ApplyLimits(spec);
        var missing = Enumerable.Range(0, spec.Replicas).Where(r => !present.Contains(r)).ToList();
        if (missing.Count > 0)
        {
            // The home is the workspace's own before anything of it runs: restored or branched content was written by us.
            int uid = Sandbox.Isolated ? Uids.GetOrAllocate(spec.Workspace.WorkspaceId) : -1;
            Directory.CreateDirectory(Path.Combine(dir, ".coder-agent"));
            Sandbox.GiveHome(dir, uid);
            foreach (int replica in missing) StartAgent(spec, dir, replica, enforced, uid);
        }

        var isolation = new WorkspaceIsolation(Sandbox.Level, Sandbox.Reason);
        string isolationNote = Sandbox.Isolated ? "Isolation: sandbox (its own user and namespaces)." : $"Isolation: none. {Sandbox.Reason}";
        return new WorkspaceResourceState([dir], Running: true, created, enforced, note is null ? isolationNote : $"{note} {isolationNote}", isolation);
    }

    /// <summary>Sets every unit's cgroup limits (live for running processes). A failure makes the limits advisory, with the reason.</summary>
    (bool Enforced, string? Note) ApplyLimits(WorkspaceResourceSpec spec)
    {
        if (!Cgroups.Enforced) return (false, Cgroups.Reason);
        try
        {
            for (int replica = 0; replica < spec.Replicas; replica++) Cgroups.Apply(spec.Workspace.ComputeName, replica, spec.Cpu, spec.MemoryMiB);
            return (true, $"Limits enforced with cgroup v{Cgroups.Version}: {spec.Cpu} CPU, {spec.MemoryMiB} MiB per unit.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (false, $"The cgroup limits could not be applied ({e.Message}), so they are advisory.");
        }
    }

    public Task<WorkspaceResourceState> StartAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken) => EnsureAsync(spec, cancellationToken);

    public Task StopAsync(WorkspaceRef workspace, CancellationToken cancellationToken) =>
        TerminateAsync(FindAgents(workspace).ToList(), TimeSpan.FromSeconds(_options.StopTimeoutSeconds), cancellationToken);

    /// <summary>Vertical changes rewrite the cgroup limits of the running units (no restart); replica changes start or stop units.</summary>
    public async Task<ResizeOutcome> ResizeAsync(WorkspaceResourceSpec spec, CancellationToken cancellationToken)
    {
        var state = await EnsureAsync(spec, cancellationToken);
        return new ResizeOutcome(Restarted: false, state.LimitsEnforced, state.Note);
    }

    /// <summary>The workspace folder goes to the content-addressed store in Blob; see <see cref="ChunkedBlobSnapshotStore"/>.</summary>
    public Task<SnapshotCapture> SnapshotAsync(WorkspaceRef workspace, SnapshotRequest request, CancellationToken cancellationToken) =>
        _snapshots.CaptureAsync(WorkspaceDirectory(workspace), request.SnapshotId, request.ParentSnapshotId, cancellationToken);

    /// <summary>Built and verified outside the workspaces folder (so inventory never sees it), then swapped in.</summary>
    public async Task RestoreAsync(WorkspaceRef workspace, RestoreRequest request, CancellationToken cancellationToken)
    {
        string dir = WorkspaceDirectory(workspace);
        await _snapshots.RestoreAsync(dir, request.SnapshotId, request.ExpectedSha256, stagingRoot: Path.Combine(Path.GetDirectoryName(_workspacesRoot)!, "snapshot-staging"), cancellationToken);

        // Restored files are written by the host; the workspace's user gets them back (the next start does so too).
        if (Sandbox.Isolated && Uids.Find(workspace.WorkspaceId) is { } uid) Sandbox.GiveHome(dir, uid);
    }

    /// <summary>A manifest and its row in the chunk store; the chunks it alone used go at the next garbage collection.</summary>
    public Task DeleteSnapshotAsync(WorkspaceRef workspace, string snapshotId, string? location, CancellationToken cancellationToken) =>
        _snapshots.DeleteAsync(snapshotId, cancellationToken);

    /// <summary>The content lives in the instance's folder: a missing or empty folder lost it.</summary>
    public Task<bool> ContentLostAsync(WorkspaceRef workspace, CancellationToken cancellationToken)
    {
        string dir = WorkspaceDirectory(workspace);
        return Task.FromResult(!Directory.Exists(dir) || !Directory.EnumerateFileSystemEntries(dir).Any());
    }

    /// <summary>With <c>/bin/sh</c>, in the workspace's sandbox as its user, in its folder, with an environment of <paramref name="environment"/> and a fixed PATH only.</summary>
    public async Task<WorkspaceScriptResult> RunWorkspaceScriptAsync(WorkspaceRef workspace, string relativePath, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (Path.IsPathRooted(relativePath) || relativePath.Split('/').Contains(".."))
            throw new ArgumentException($"'{relativePath}' is not a path inside the workspace.", nameof(relativePath));
        string dir = WorkspaceDirectory(workspace);
        string script = Path.Combine(dir, relativePath);
        if (!File.Exists(script)) return new WorkspaceScriptResult(Found: false);

        var psi = WorkspaceCommand(workspace, ["/bin/sh", script], new Dictionary<string, string>(environment) { ["CODER_WORKSPACE_DIR"] = dir });
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"{relativePath} did not start.");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            return new WorkspaceScriptResult(Found: true, TimedOut: true);
        }

        string error = (await stderr).Trim();
        return new WorkspaceScriptResult(Found: true, process.ExitCode, Error: error[..Math.Min(error.Length, 500)]);
    }

    ProcessStartInfo WorkspaceCommand(WorkspaceRef workspace, IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment)
    {
        string dir = WorkspaceDirectory(workspace);
        int uid = Sandbox.Isolated ? Uids.GetOrAllocate(workspace.WorkspaceId) : -1;
        var line = Sandbox.Wrap(dir, uid, [], command);
        var psi = new ProcessStartInfo(line[0]) { WorkingDirectory = dir, UseShellExecute = false };
        foreach (string a in line.Skip(1)) psi.ArgumentList.Add(a);
        psi.Environment.Clear();
        foreach (var (key, value) in AgentEnvironment.Build(new Dictionary<string, string>(), HostEnvironment(), environment)) psi.Environment[key] = value;
        psi.Environment["HOME"] = dir;
        return psi;
    }

    public async Task DestroyAsync(WorkspaceRef workspace, CancellationToken cancellationToken)
    {
        await TerminateAsync(FindAgents(workspace).ToList(), TimeSpan.FromSeconds(2), cancellationToken);
        Cgroups.Remove(workspace.ComputeName);
        string dir = WorkspaceDirectory(workspace);
        for (int attempt = 0; Directory.Exists(dir); attempt++)
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException) when (attempt < 10)
            {
                // A process that was just killed may still hold a file; try again shortly.
                await Task.Delay(TimeSpan.FromMilliseconds(100), _time, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"The workspace folder {dir} could not be removed: {e.Message}", e);
            }
        }

        // The uid goes back to the pool with the workspace's last instance (a retired blue leaves green holding it).
        bool instanceLeft = Directory.Exists(_workspacesRoot) && Directory.EnumerateDirectories(_workspacesRoot)
            .Any(d => WorkspaceRef.ParseComputeName(Path.GetFileName(d)).WorkspaceId == workspace.WorkspaceId);
        if (!instanceLeft) Uids.Release(workspace.WorkspaceId);
        LogDestroyed(_logger, workspace.ComputeName);
    }

    public Task<IReadOnlyList<InventoryItem>> InventoryAsync(CancellationToken cancellationToken)
    {
        // One item per compute instance: blue and green of a blue-green upgrade are two.
        var byInstance = FindAllAgents(null).GroupBy(a => a.ComputeName).ToDictionary(g => g.Key, g => g.ToList());
        var items = new List<InventoryItem>();
        foreach (var (computeName, agents) in byInstance) items.Add(RunningItem(computeName, agents));

        if (Directory.Exists(_workspacesRoot))
        {
            foreach (string dir in Directory.GetDirectories(_workspacesRoot))
            {
                // A dot folder is the provisioner's own (the sandbox's .accounts), never a workspace: not an orphan to destroy.
                string computeName = Path.GetFileName(dir);
                if (computeName.StartsWith('.')) continue;
                if (!byInstance.ContainsKey(computeName)) items.Add(StoppedItem(computeName, dir));
            }
        }

        return Task.FromResult<IReadOnlyList<InventoryItem>>(items);
    }

    public Task<InventoryItem?> FindAsync(WorkspaceRef workspace, CancellationToken cancellationToken)
    {
        var agents = FindAgents(workspace).ToList();
        string dir = WorkspaceDirectory(workspace);
        InventoryItem? item = agents.Count > 0 ? RunningItem(workspace.ComputeName, agents)
            : Directory.Exists(dir) ? StoppedItem(workspace.ComputeName, dir)
            : null;
        return Task.FromResult(item);
    }

    InventoryItem RunningItem(string computeName, List<LocalAgentProcess> agents)
    {
        var (workspaceId, instance) = WorkspaceRef.ParseComputeName(computeName);

        // The newest build wins when two overlap for a moment (during a rebuild).
        string? build = agents.GroupBy(a => a.BuildId).OrderByDescending(g => g.Count()).First().Key;
        var live = agents.Where(a => a.BuildId == build).ToList();

        // What each unit's cgroup says now, so a limit changed from outside is seen (null without cgroups: unknown).
        IReadOnlyList<ObservedUnitSize>? sizes = Cgroups.Enforced ? live.Select(a => Cgroups.Read(computeName, a.Replica)).OfType<ObservedUnitSize>().ToList() : null;
        return new InventoryItem(Name, workspaceId, Path.Combine(_workspacesRoot, computeName), true, live.Count, build, Tags(workspaceId, build), instance, sizes);
    }

    InventoryItem StoppedItem(string computeName, string dir)
    {
        var (workspaceId, instance) = WorkspaceRef.ParseComputeName(computeName);
        return new InventoryItem(Name, workspaceId, dir, false, 0, null, Tags(workspaceId, null), instance);
    }

    /// <summary>The agent processes of a workspace's first compute instance.</summary>
    public IEnumerable<LocalAgentProcess> FindAgents(string workspaceId) => FindAgents(new WorkspaceRef(workspaceId, ""));

    /// <summary>The agent processes of one compute instance of a workspace.</summary>
    public IEnumerable<LocalAgentProcess> FindAgents(WorkspaceRef workspace) => FindAllAgents(workspace.WorkspaceId).Where(a => a.ComputeName == workspace.ComputeName);

    /// <summary>This control plane's agents; of one workspace only when <paramref name="workspaceId"/> is set.</summary>
    IEnumerable<LocalAgentProcess> FindAllAgents(string? workspaceId)
    {
        var required = new Dictionary<string, string> { [ScopeVariable] = Scope };
        if (workspaceId is not null) required["CODER_WORKSPACE_ID"] = workspaceId;
        var found = new List<(LocalAgentProcess Agent, bool Launcher)>();
        foreach (var (pid, env) in ProcFs.FindByEnvironment(required))
        {
            // Script processes inherit the agent's environment; only the agent's own command line names the agent.
            if (!env.TryGetValue("CODER_WORKSPACE_ID", out var id) || ProcFs.ReadCommandLine(pid) is not { } cmd || !cmd.Contains("coder-agent", StringComparison.Ordinal)) continue;
            int replica = env.TryGetValue("CODER_AGENT_REPLICA", out var r) && int.TryParse(r, CultureInfo.InvariantCulture, out int n) ? n : 0;
            string computeName = new WorkspaceRef(id, "", env.GetValueOrDefault(InstanceVariable)).ComputeName;
            found.Add((new LocalAgentProcess(pid, id, env.GetValueOrDefault("CODER_AGENT_BUILD"), replica, env.GetValueOrDefault("CODER_AGENT_ID"), computeName),
                Launchers.Contains(Path.GetFileName(cmd.Split(' ', 2)[0]))));
        }

        // The launchers around an agent (sh, bwrap, setpriv) carry its command line too. One process per agent: the agent
        // itself, or while it is still being launched (the sandbox takes a moment), its launcher, so it is not taken for gone.
        return found.GroupBy(f => (f.Agent.ComputeName, f.Agent.BuildId, f.Agent.Replica, f.Agent.AgentId))
            .Select(g => g.OrderBy(f => f.Launcher).First().Agent);
    }

    void StartAgent(WorkspaceResourceSpec spec, string dir, int replica, bool limited, int uid)
    {
        var (program, args) = AgentCommand();
        string stateDir = Path.Combine(dir, ".coder-agent");
        var psi = new ProcessStartInfo("setsid") { WorkingDirectory = dir, UseShellExecute = false, RedirectStandardInput = true };

        // setsid gives the agent its own session; sh joins the unit's cgroups (so the agent and everything it starts are
        // limited; the join happens out here, as the groups stay the host's), then sends the agent's output to a log file
        // so it never writes to our pipes, and execs the sandbox around the agent.
        psi.ArgumentList.Add("/bin/sh");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add((limited ? Cgroups.JoinCommand(spec.Workspace.ComputeName, replica) : "") + "exec \"$@\" >>\"$CODER_AGENT_LOG\" 2>&1");
        psi.ArgumentList.Add("sh");
        var visible = new List<string> { Path.GetDirectoryName(args.Length > 0 ? args[0] : program)! };
        if (args.Length > 0) visible.Add(Path.GetDirectoryName(program)!); // the dotnet runtime of a .dll agent
        if (limited) visible.AddRange(Cgroups.GroupsOf(spec.Workspace.ComputeName, replica));
        visible.AddRange(_options.RepositoryRootFolders());
        foreach (string a in Sandbox.Wrap(dir, uid, visible, [program, .. args])) psi.ArgumentList.Add(a);

        // Built from an allow-list: none of the control plane's own settings (tokens, connection strings) can pass.
        string agentId = AgentIds.For(spec.Workspace.WorkspaceId, spec.BuildId, replica);
        var own = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [AgentIds.Variable] = agentId,
            ["CODER_AGENT_REPLICA"] = replica.ToString(CultureInfo.InvariantCulture),
            ["CODER_WORKSPACE_DIR"] = dir,
            ["CODER_AGENT_LOG"] = Path.Combine(stateDir, $"agent-r{replica}.log"),
            ["HOME"] = dir,
            [ScopeVariable] = Scope,
        };
        if (spec.Workspace.Instance is { } instance) own[InstanceVariable] = instance;
        psi.Environment.Clear();
        foreach (var (key, value) in AgentEnvironment.Build(spec.AgentEnvironment, HostEnvironment(), own)) psi.Environment[key] = value;

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("The agent process did not start.");
        process.StandardInput.Close();
        LogStarted(_logger, agentId, process.Id);
    }

    (string Program, string[] Args) AgentCommand()
    {
        string path = LocalAgentLaunch.Resolve(_options.AgentPath);
        if (!File.Exists(path)) throw new InvalidOperationException($"The agent was not found at {path}. Set Coder:Local:AgentPath (CODER_AGENT_PATH).");

        // The sandbox binds the program's real folder, so a name found on PATH or a link is resolved first.
        var (program, args) = LocalAgentLaunch.Command(path);
        return (ResolveProgram(program), args);
    }

    /// <summary>The programs that start an agent and carry its command line for a moment or for good; never the agent itself.</summary>
    static readonly HashSet<string> Launchers = new(StringComparer.Ordinal) { "sh", "setsid", "bwrap", "setpriv" };

    static Dictionary<string, string?> HostEnvironment() =>
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);

    /// <summary>A program named without a folder, found on PATH (the sandbox must see where it really is).</summary>
    static string ResolveProgram(string program)
    {
        if (program.Contains('/')) return new FileInfo(program).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? program;
        string? found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);
        return found is null ? program : ResolveProgram(found);
    }

    /// <summary>
    /// SIGTERM to each agent, then SIGKILL to whatever is left after the grace period: its session and every process that
    /// carries its agent id (its sandbox's launchers and init, which are in no session of the agent's).
    /// </summary>
    async Task TerminateAsync(IReadOnlyList<LocalAgentProcess> agents, TimeSpan grace, CancellationToken cancellationToken)
    {
        var sessions = agents.Select(a => a.Pid).ToList();
        if (sessions.Count == 0) return;
        foreach (int pid in sessions) ProcFs.Signal(pid, ProcFs.SigTerm);
        var deadline = _time.GetUtcNow() + grace;
        while (sessions.Any(ProcFs.IsAlive) && _time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), _time, cancellationToken);
        }

        foreach (int session in sessions)
        {
            foreach (int member in ProcFs.SessionMembers(session).Append(session)) ProcFs.Signal(member, ProcFs.SigKill);
        }

        var stragglers = new HashSet<int>(sessions);
        foreach (var agent in agents.Where(a => a.AgentId is not null))
        {
            foreach (var (pid, _) in ProcFs.FindByEnvironment(SameAgent(agent)))
            {
                ProcFs.Signal(pid, ProcFs.SigKill);
                stragglers.Add(pid);
            }
        }

        // Stopped means gone: the agent and the launchers around it (a sandbox's outer process outlives its child for a
        // moment), or inventory would still report the agent it carried the command line of.
        deadline = _time.GetUtcNow() + TimeSpan.FromSeconds(5);
        while (stragglers.Any(ProcFs.IsAlive) && _time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), _time, cancellationToken);
        }
    }

    Dictionary<string, string> SameAgent(LocalAgentProcess agent) => new() { [ScopeVariable] = Scope, [AgentIds.Variable] = agent.AgentId! };

    static Dictionary<string, string> Tags(string workspaceId, string? build)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal) { [ProvisionerTags.WorkspaceId] = workspaceId };
        if (build is not null) tags[ProvisionerTags.BuildId] = build;
        return tags;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started agent {AgentId} as process {Pid}")]
    static partial void LogStarted(ILogger logger, string agentId, int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Local workspaces are not isolated: {Reason}")]
    static partial void LogNotIsolated(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Destroyed local workspace {WorkspaceId}")]
    static partial void LogDestroyed(ILogger logger, string workspaceId);
}
