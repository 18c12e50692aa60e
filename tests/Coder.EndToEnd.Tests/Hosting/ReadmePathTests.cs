using Coder.Local.Relay;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Coder.EndToEnd.Tests.Infrastructure;
using Coder.Local.Storage;
using Xunit.Abstractions;

namespace Coder.EndToEnd.Tests.Hosting;

/// <summary>
/// The README's first workspace, as a new user gets it: a fresh checkout of HEAD (a detached <c>git worktree</c>), the
/// product command verbatim (<c>dotnet run --project src/Coder.Local</c>, which builds, installs Azurite with npm and
/// starts it), then the requests of the README's "Try it (curl)" block, read from the README itself, with the token from
/// the file it names. Only <c>ASPNETCORE_URLS</c> and <c>CODER_RELAY_PORT</c> are added (free ports; no
/// <c>CODER_AGENT_PATH</c>, so workspaces run the agent the build ships). The workspace must reach <c>running</c> and its
/// startup script's file must exist; then the <c>coder</c> CLI, logged in as the README says, runs commands in it through
/// the relay (<c>coder ssh dev -- …</c>). A fresh build is most of its time.
/// </summary>
[ExpectedSeconds(600)]
public sealed class ReadmePathTests(ITestOutputHelper output) : IAsyncLifetime
{
    const string ProductCommand = "dotnet run --project src/Coder.Local";

    // A fresh build of the whole host; generous, because it shares the machine with the rest of the suite.
    static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(15);
    static readonly TimeSpan RunningTimeout = TimeSpan.FromMinutes(2);

    readonly string _worktree = Path.Combine(Path.GetTempPath(), "coder-readme-" + Guid.NewGuid().ToString("N")[..8]);
    readonly ConcurrentQueue<string> _hostOutput = new();
    Process? _host;

    public async Task InitializeAsync() => await GitAsync(BuildOutputs.RepoRoot, "worktree", "add", "--detach", _worktree, "HEAD");

    public async Task DisposeAsync()
    {
        if (_host is { HasExited: false })
        {
            _host.Kill(entireProcessTree: true);
            await _host.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        _host?.Dispose();
        string data = Path.Combine(_worktree, ".coder");
        AgentProcesses.KillAllUnder(data);
        KillPidFile(Path.Combine(data, "azurite", "azurite.pid"));
        await LocalRelayFiles.KillAsync(data);
        if (!Directory.Exists(_worktree)) return;

        // git removes untracked trees (node_modules, bin, obj) file by file, slowly; delete them first, then the worktree.
        foreach (string entry in Directory.EnumerateFileSystemEntries(_worktree).Where(e => Path.GetFileName(e) != ".git").ToList())
        {
            if (Directory.Exists(entry) && !File.GetAttributes(entry).HasFlag(FileAttributes.ReparsePoint)) Directory.Delete(entry, recursive: true);
            else File.Delete(entry);
        }

        await GitAsync(BuildOutputs.RepoRoot, "worktree", "remove", "--force", _worktree);
    }

    [Fact]
    public async Task ReadmeProductCommand_AndCurlBlock_GiveARunningWorkspace_WhoseScriptRan()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(_worktree, "README.md"));
        Assert.Contains(ProductCommand, readme, StringComparison.Ordinal);
        var session = ReadmeCurlSession.Parse(readme);
        var clock = Stopwatch.StartNew();

        int port = FreePorts.Next();
        string baseUrl = $"http://127.0.0.1:{port}";
        StartProduct(baseUrl, relayPort: FreePorts.Next());
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            await Eventually.WaitAsync(
                async () => _host!.HasExited
                    ? throw new InvalidOperationException($"`{ProductCommand}` exited with {_host.ExitCode}:\n{Tail()}")
                    : (await http.GetAsync($"{baseUrl}/api/health")).StatusCode,
                status => status == HttpStatusCode.OK, StartTimeout, $"`{ProductCommand}` to build, start and answer /api/health", TimeSpan.FromSeconds(1));
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\nIts output ends:\n{Tail()}", e);
        }

        var started = clock.Elapsed;

        // The README's token file, relative to the repository root where the README's commands run.
        string tokenFile = Path.Combine(_worktree, session.TokenFile);
        Assert.True(File.Exists(tokenFile), $"The README reads the token from {session.TokenFile}; the host wrote:\n{Tail()}");
        string token = (await File.ReadAllTextAsync(tokenFile)).Trim();
        string api = session.ApiUrl.Replace(ReadmeCurlSession.DocumentedHost, baseUrl, StringComparison.Ordinal);
        Assert.StartsWith(baseUrl, api, StringComparison.Ordinal);

        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        JsonNode? workspace = null;
        foreach (var request in session.Requests)
        {
            string url = api + request.Path(variables);
            using var message = Authorized(new HttpMethod(request.Method), url, token);

            // curl -d sends application/x-www-form-urlencoded; so does this.
            if (request.Body is not null) message.Content = new StringContent(request.Body, Encoding.UTF8, "application/x-www-form-urlencoded");
            using var response = await http.SendAsync(message);
            string body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{request.Method} {url}: {(int)response.StatusCode} {body}");
            if (request.Captures is { } capture) variables[capture.Variable] = capture.Apply(body);

            // The README's status line says to look until it is running.
            if (request.Method == "GET" && request.Path(variables) == $"/workspaces/{variables.GetValueOrDefault("WS")}")
            {
                workspace = await Eventually.WaitAsync(
                    async () =>
                    {
                        using var poll = Authorized(HttpMethod.Get, url, token);
                        using var answer = await http.SendAsync(poll);
                        return JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
                    },
                    ws => (string?)ws["status"] is "running" or "failed", RunningTimeout, "the README's workspace to be running", TimeSpan.FromMilliseconds(500));
            }
        }

        var running = clock.Elapsed;
        output.WriteLine($"build + start {started.TotalSeconds:0} s, first workspace running {(running - started).TotalSeconds:0} s, total {running.TotalSeconds:0} s");
        Assert.NotNull(workspace);
        Assert.True((string?)workspace!["status"] == "running", $"The workspace is not running: {workspace.ToJsonString()}\n{Tail()}");

        var (fileName, content) = session.StartupScriptFile();
        string file = Path.Combine(_worktree, ".coder", "workspaces", variables["WS"], fileName);
        Assert.True(File.Exists(file), $"The startup script's {fileName} is not in the workspace folder.");
        Assert.Equal(content, (await File.ReadAllTextAsync(file)).Trim());

        await ConnectThroughTheCliAsync(baseUrl, token, session.WorkspaceName(), variables["WS"], fileName, content);
        output.WriteLine($"coder ssh through the relay {(clock.Elapsed - running).TotalSeconds:0.0} s");
    }

    /// <summary>
    /// <c>coder login</c> as the README's CLI block has it, then <c>coder ssh &lt;ws&gt; -- cmd</c> twice: the startup
    /// script's file comes back on stdout, and a command's exit code is the CLI's. The agent that answered is the one the
    /// build ships (<c>agent/linux-x64/coder-agent</c> beside the host in the fresh checkout), since nothing set another.
    /// </summary>
    async Task ConnectThroughTheCliAsync(string baseUrl, string token, string workspace, string workspaceId, string fileName, string content)
    {
        using var cli = new CliProcess();
        var login = await cli.RunAsync("login", baseUrl, "--token", token);
        Assert.True(login.ExitCode == 0, login.ToString());

        var cat = await cli.RunAsync("ssh", workspace, "--", "cat", fileName);
        Assert.True(cat.ExitCode == 0, $"{cat}\n{Tail()}");
        Assert.Equal(content + "\n", cat.Stdout);

        var exit = await cli.RunAsync("ssh", workspace, "--", "sh", "-c", "echo bye >&2; exit 7");
        Assert.True(exit.ExitCode == 7, exit.ToString());
        Assert.Equal("", exit.Stdout);
        Assert.Contains("bye", exit.Stderr, StringComparison.Ordinal);

        string shipped = Path.Combine(_worktree, "src", "Coder.Local", "bin", "Debug", "net10.0", "agent", "linux-x64", "coder-agent");
        var agents = AgentProcesses.Under(Path.Combine(_worktree, ".coder"), workspaceId);
        Assert.NotEmpty(agents);
        foreach (var (pid, _) in agents)
        {
            string program = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0')[0];
            Assert.Equal(shipped, program);
        }
    }

    static HttpRequestMessage Authorized(HttpMethod method, string url, string token)
    {
        var message = new HttpRequestMessage(method, url);
        message.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return message;
    }

    /// <summary>The product command as typed in a shell at the repository root, with the environment a user has (no CODER_* settings, no test runner's MSBuild variables).</summary>
    void StartProduct(string baseUrl, int relayPort)
    {
        var words = ProductCommand.Split(' ');
        var psi = new ProcessStartInfo(words[0]) { WorkingDirectory = _worktree, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string word in words[1..]) psi.ArgumentList.Add(word);
        foreach (string key in psi.Environment.Keys.Where(InheritedFromTheTestRun).ToList()) psi.Environment.Remove(key);
        psi.Environment["ASPNETCORE_URLS"] = baseUrl;

        // Its relay off the default 7072 too, which another checkout's host on this machine may hold.
        psi.Environment["CODER_RELAY_PORT"] = relayPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _host = Process.Start(psi) ?? throw new InvalidOperationException("dotnet did not start.");
        _host.OutputDataReceived += (_, e) => { if (e.Data is not null) _hostOutput.Enqueue(e.Data); };
        _host.ErrorDataReceived += (_, e) => { if (e.Data is not null) _hostOutput.Enqueue(e.Data); };
        _host.BeginOutputReadLine();
        _host.BeginErrorReadLine();
    }

    static bool InheritedFromTheTestRun(string key) =>
        key.StartsWith("CODER_", StringComparison.Ordinal) || key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("VSTEST", StringComparison.Ordinal) || key.StartsWith("TESTINGPLATFORM", StringComparison.Ordinal)
        || key.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || key.StartsWith("DOTNET_HOST_PATH", StringComparison.Ordinal);

    string Tail() => string.Join('\n', _hostOutput.TakeLast(40));

    static void KillPidFile(string pidFile)
    {
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), out int pid)) return;
        try
        {
            using var process = Process.GetProcessById(pid);
            if (process.ProcessName.Contains("node", StringComparison.OrdinalIgnoreCase)) process.Kill(entireProcessTree: true);
        }
        catch (ArgumentException)
        {
            // Gone with the host.
        }
    }

    static async Task GitAsync(string repo, params string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = repo, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args) psi.ArgumentList.Add(arg);
        using var git = Process.Start(psi)!;
        var stderr = git.StandardError.ReadToEndAsync();
        await git.StandardOutput.ReadToEndAsync();
        await git.WaitForExitAsync();
        if (git.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {await stderr}");
    }
}
