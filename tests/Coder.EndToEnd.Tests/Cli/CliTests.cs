using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Cli;

/// <summary>The real <c>coder</c> binary, as a process, against the local host: what a user at a terminal does.</summary>
[Collection(SecondStorageCollection.Name)]
public sealed class CliTests(CliHost fixture) : IClassFixture<CliHost>, IAsyncLifetime
{
    const string TemplateYaml = """
        # A template as users write it: YAML, comments and all.
        name: cli-basic
        description: "made by the CLI tests"
        provisioner: local
        resources:
          cpu: 1
          memoryMiB: 512
        limits: { maxCpu: 2, maxMemoryMiB: 2048, maxReplicas: 3 }
        startupScripts:
          - name: hello
            script: echo hello from yaml > hello.txt
            timeoutSeconds: 60
            blocksReady: true
        agent:
          heartbeatSeconds: 2
          readyTimeoutSeconds: 60
        """;

    readonly LocalHostProcess _host = fixture.Host;
    readonly CliProcess _cli = new();

    public async Task InitializeAsync()
    {
        var login = await _cli.RunAsync("login", _host.BaseUrl, "--token", LocalHostProcess.AdminToken);
        Assert.True(login.ExitCode == 0, login.ToString());
    }

    public Task DisposeAsync()
    {
        _cli.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Login_StoresUrlAndTokenReadableByTheUserOnly()
    {
        Assert.True(File.Exists(_cli.ConfigPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_cli.ConfigPath));
        var saved = JsonNode.Parse(File.ReadAllText(_cli.ConfigPath))!;
        Assert.Equal(_host.BaseUrl, (string?)saved["url"]);
        Assert.Equal(LocalHostProcess.AdminToken, (string?)saved["token"]);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Login_NeverWritesTheTokenThroughALinkPlantedNextToTheConfig()
    {
        string elsewhere = Path.Combine(_cli.Home, "readable-by-all");
        File.CreateSymbolicLink(_cli.ConfigPath + ".tmp", elsewhere);

        var login = await _cli.RunAsync("login", _host.BaseUrl, "--token", LocalHostProcess.AdminToken);
        Assert.True(login.ExitCode == 0, login.ToString());

        Assert.False(File.Exists(elsewhere), "the token was written through the link");
        Assert.Null(new FileInfo(_cli.ConfigPath).LinkTarget);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_cli.ConfigPath));
        Assert.Equal(LocalHostProcess.AdminToken, (string?)JsonNode.Parse(File.ReadAllText(_cli.ConfigPath))!["token"]);
    }

    [Fact]
    public async Task Login_WithAWrongToken_Exits2AndKeepsTheOldLogin()
    {
        var result = await _cli.RunAsync("login", _host.BaseUrl, "--token", "cdr_not-a-real-token");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("401", result.Stderr);
        Assert.Equal(LocalHostProcess.AdminToken, (string?)JsonNode.Parse(File.ReadAllText(_cli.ConfigPath))!["token"]);
    }

    [Fact]
    public async Task YamlTemplate_CreateWaitListScaleStopStartDelete()
    {
        string file = Path.Combine(_cli.Home, "template.yaml");
        await File.WriteAllTextAsync(file, TemplateYaml);
        var created = await _cli.RunAsync("templates", "create", file);
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Contains("cli-basic", created.Stdout);

        // create waits, showing each step on stderr, and prints the running workspace.
        var workspace = await _cli.RunAsync("create", "dev", "--template", "cli-basic");
        Assert.True(workspace.ExitCode == 0, workspace.ToString());
        Assert.Contains("  ... ", workspace.Stderr);
        Assert.Contains("provision succeeded", workspace.Stderr);
        Assert.Matches(@"Status\s+running", workspace.Stdout);
        Assert.Matches(@"Agent\s+ready", workspace.Stdout);
        Assert.DoesNotContain("\u001b[", workspace.Stdout + workspace.Stderr);

        var table = await _cli.RunAsync("list");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Matches(@"dev\s+│?\s*running", table.Stdout);

        var json = await _cli.RunAsync("list", "--output", "json");
        Assert.True(json.ExitCode == 0, json.ToString());

        // The class's host also holds the other tests' workspaces (their own names).
        var item = Assert.Single(json.JsonOf("GET", "/api/workspaces")["items"]!.AsArray(), i => (string?)i!["name"] == "dev")!;
        Assert.Equal("running", (string?)item["status"]);
        string id = (string)item["id"]!;
        using var api = _host.Admin();
        string folder = Path.Combine(_host.DataDirectory, "workspaces", id);
        Assert.Equal("hello from yaml", (await File.ReadAllTextAsync(Path.Combine(folder, "hello.txt"))).Trim());

        var scaled = await _cli.RunAsync("scale", "dev", "--replicas", "2", "--output", "json");
        Assert.True(scaled.ExitCode == 0, scaled.ToString());
        Assert.Equal(2, (int?)scaled.JsonOf("GET", "/api/workspaces/{id}")["replicas"]);
        Assert.Equal(2, AgentProcesses.Under(_host.DataDirectory, id).Count);

        var overLimit = await _cli.RunAsync("scale", "dev", "--cpu", "8");
        Assert.True(overLimit.ExitCode == 2, overLimit.ToString());
        Assert.Contains("size.cpu", overLimit.Stderr);

        var stopped = await _cli.RunAsync("stop", "dev");
        Assert.True(stopped.ExitCode == 0, stopped.ToString());
        Assert.Matches(@"Status\s+stopped", stopped.Stdout);
        var noWait = await _cli.RunAsync("start", "dev", "--no-wait");
        Assert.True(noWait.ExitCode == 0, noWait.ToString());
        string operationId = noWait.Stdout.Trim();
        Assert.StartsWith(id + ".", operationId);
        await Eventually.WaitAsync(() => api.GetAsync($"/api/operations/{operationId}"), r => (string?)r.Json["status"] == "succeeded", TimeSpan.FromSeconds(60), "the start to succeed");

        var events = await _cli.RunAsync("events", "dev", "--output", "json");
        Assert.True(events.ExitCode == 0, events.ToString());
        Assert.Contains(events.JsonOf("GET", "/api/workspaces/{id}/events")["items"]!.AsArray(), e => (string?)e!["kind"] == "stop.succeeded");

        var deleted = await _cli.RunAsync("delete", "dev");
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/workspaces/{id}")).Status);
        var gone = await _cli.RunAsync("show", "dev");
        Assert.True(gone.ExitCode == 2, gone.ToString());
    }

    [Fact]
    public async Task SnapshotLineageRestoreAndUpgrade_ThroughTheCli()
    {
        using var api = _host.Admin();
        await api.CreateTemplateAsync(Templates.Local("cli-snap", "echo v1 > version.txt", heartbeatSeconds: 2));
        var created = await _cli.RunAsync("create", "snappy", "--template", "cli-snap", "--output", "json");
        Assert.True(created.ExitCode == 0, created.ToString());
        string id = (string)created.JsonOf("GET", "/api/workspaces/{id}")["id"]!;
        string folder = Path.Combine(_host.DataDirectory, "workspaces", id);
        await File.WriteAllTextAsync(Path.Combine(folder, "work.txt"), "before");

        var snapshot = await _cli.RunAsync("snapshot", "snappy", "--label", "first");
        Assert.True(snapshot.ExitCode == 0, snapshot.ToString());
        string snapshotId = snapshot.Stdout.Trim();
        Assert.StartsWith("sn-", snapshotId);

        var lineage = await _cli.RunAsync("snapshots", "snappy");
        Assert.True(lineage.ExitCode == 0, lineage.ToString());
        Assert.Contains(id, lineage.Stdout);
        Assert.Contains(snapshotId, lineage.Stdout);
        Assert.Contains("first", lineage.Stdout);

        await File.WriteAllTextAsync(Path.Combine(folder, "work.txt"), "after");
        var restored = await _cli.RunAsync("restore", "snappy", snapshotId);
        Assert.True(restored.ExitCode == 0, restored.ToString());
        Assert.Equal("before", await File.ReadAllTextAsync(Path.Combine(folder, "work.txt")));

        // The restore took a safety snapshot first; the tree now shows it too.
        var after = await _cli.RunAsync("snapshots", "snappy", "--output", "json");
        Assert.True(after.JsonOf("GET", "/api/workspaces/{id}/snapshots")["items"]!.AsArray().Count >= 2, after.ToString());

        string v2 = Path.Combine(_cli.Home, "v2.json");
        var spec = JsonNode.Parse(Templates.Local("cli-snap", "echo v2 > version.txt", heartbeatSeconds: 2))!.AsObject();
        await File.WriteAllTextAsync(v2, spec.ToJsonString());
        var pushed = await _cli.RunAsync("templates", "push-version", "cli-snap", v2, "--output", "json");
        Assert.True(pushed.ExitCode == 0, pushed.ToString());
        int version = (int)pushed.JsonOf("POST", "/api/templates/{name}/versions", 201)["version"]!;
        var promoted = await _cli.RunAsync("templates", "promote", "cli-snap", version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(promoted.ExitCode == 0, promoted.ToString());

        var upgraded = await _cli.RunAsync("upgrade", "snappy", "--output", "json");
        Assert.True(upgraded.ExitCode == 0, upgraded.ToString());
        Assert.Equal(version, (int?)upgraded.JsonOf("GET", "/api/workspaces/{id}")["templateVersion"]);
        Assert.Equal("v2", (await File.ReadAllTextAsync(Path.Combine(folder, "version.txt"))).Trim());
    }

    [Fact]
    public async Task BadTemplateFile_Exits2AndShowsTheFieldError()
    {
        string file = Path.Combine(_cli.Home, "bad.yaml");
        await File.WriteAllTextAsync(file, TemplateYaml.Replace("name: cli-basic", "name: Not_A_Valid_Name", StringComparison.Ordinal));
        var result = await _cli.RunAsync("templates", "create", file);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("400", result.Stderr);
        Assert.Matches(@"name: .+", result.Stderr);
        Assert.Empty(result.Stdout);
    }

    /// <summary>The vm provisioner runs one replica per workspace: a template asking for more is refused when it is created, not when a workspace first scales.</summary>
    [Fact]
    public async Task TemplateAskingMoreThanItsProvisionerCanDo_Exits2NamingTheFieldAndIsNotCreated()
    {
        string file = Path.Combine(_cli.Home, "vm-replicas.yaml");
        await File.WriteAllTextAsync(file, TemplateYaml
            .Replace("name: cli-basic", "name: cli-vm-replicas", StringComparison.Ordinal)
            .Replace("provisioner: local", "provisioner: vm\nimage: Canonical:ubuntu-24_04-lts:server:latest", StringComparison.Ordinal));
        var result = await _cli.RunAsync("templates", "create", file);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("400", result.Stderr);
        Assert.Contains("limits.maxReplicas", result.Stderr);
        Assert.Contains("at most 1 replica", result.Stderr);

        using var api = _host.Admin();
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/api/templates/cli-vm-replicas")).Status);
    }

    [Fact]
    public async Task UnreadableTemplateFile_IsAUsageError()
    {
        string file = Path.Combine(_cli.Home, "broken.yaml");
        await File.WriteAllTextAsync(file, "name: [unclosed");
        var result = await _cli.RunAsync("templates", "create", file);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("YAML", result.Stderr);
    }

    [Fact]
    public async Task FailingOperation_Exits3WithTheReason()
    {
        using var api = _host.Admin();
        await api.CreateTemplateAsync(Templates.Local("cli-broken", "echo failing on purpose; exit 4"));
        var result = await _cli.RunAsync("create", "broken", "--template", "cli-broken");
        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("provision failed", result.Stderr);
        Assert.Contains("startup script", result.Stderr);
    }

    [Fact]
    public async Task UnderATerminal_ProgressRendersAndTheFinalOutputIsIntact()
    {
        using var api = _host.Admin();
        await api.CreateTemplateAsync(Templates.Local("cli-pty", "echo pty > pty.txt", heartbeatSeconds: 2));
        string socket = Path.Combine(_cli.Home, "tmux.sock");
        string command = $"env -u NO_COLOR HOME='{_cli.Home}' dotnet '{BuildOutputs.CliDll}' create tty --template cli-pty; echo CLI-EXIT=$?; tmux -S '{socket}' wait-for -S cli-done; read _";
        try
        {
            await Tmux(socket, "new-session", "-d", "-x", "160", "-y", "60", "-s", "cli", command);
            await Tmux(socket, "wait-for", "cli-done");
            string screen = await Tmux(socket, "capture-pane", "-p", "-J", "-t", "cli", "-S", "-200");
            Assert.Contains("CLI-EXIT=0", screen);
            Assert.Contains("provision succeeded", screen);
            Assert.Matches(@"Status\s+running", screen);

            // The spinner line is erased before the result is printed: no frame survives on the final screen.
            Assert.DoesNotContain(screen, c => "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏".Contains(c));
            var lines = screen.Split('\n');
            Assert.Contains(lines, l => l.TrimStart().StartsWith("Name", StringComparison.Ordinal) && l.Contains("tty", StringComparison.Ordinal));
        }
        finally
        {
            await Tmux(socket, "kill-server").ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    static async Task<string> Tmux(string socket, params string[] args)
    {
        var psi = new ProcessStartInfo("tmux") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-S");
        psi.ArgumentList.Add(socket);
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        string output = await process.StandardOutput.ReadToEndAsync(deadline.Token);
        await process.WaitForExitAsync(deadline.Token);
        if (process.ExitCode != 0) throw new InvalidOperationException($"tmux {string.Join(' ', args)} failed: {await process.StandardError.ReadToEndAsync()}");
        return output;
    }
}
