using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coder.EndToEnd.Tests.Infrastructure;
using Coder.EndToEnd.Tests.Security;

namespace Coder.EndToEnd.Tests.Secrets;

/// <summary>
/// Template repositories and users' dotfiles, cloned by real agents in sandboxed workspaces before the startup scripts:
/// from <c>file://</c> repositories under the host's repository root, and a private one over HTTP whose credential comes
/// from the owner's secret through git's credential helper.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class RepositoryTests(SecurityHost fixture)
{
    [Fact]
    public async Task RepositoriesAreClonedAtTheirPathsBeforeTheScripts_ARestartKeepsTheWork_AndAFailedCloneIsStartErrorWithGitsMessage()
    {
        using var admin = fixture.Host.Admin();
        using var rita = new CoderApi(fixture.Host.BaseUrl, await fixture.NewMemberTokenAsync("rita"));
        string app = await GitRepositories.CreateBareAsync(fixture.RepositoryRoot, "app", new Dictionary<string, string> { ["README.md"] = "app\n" });
        string lib = await GitRepositories.CreateBareAsync(fixture.RepositoryRoot, "lib", new Dictionary<string, string> { ["lib.txt"] = "lib\n" });

        // A bad repository is a 400 naming it: a password in the URL, a path out of the workspace.
        var withPassword = await admin.PostAsync("/api/templates", Spec("repo-bad", [new JsonObject { ["url"] = "https://me:pw@example.invalid/x.git" }], "true"));
        Assert.Equal(HttpStatusCode.BadRequest, withPassword.Status);
        Assert.NotNull(withPassword.Json["errors"]!["repositories[0].url"]);
        var outside = await admin.PostAsync("/api/templates", Spec("repo-bad", [new JsonObject { ["url"] = $"file://{app}", ["path"] = "../x" }], "true"));
        Assert.NotNull(outside.Json["errors"]!["repositories[0].path"]);

        // The script proves the clones were there before it ran; lib has no path, so it lands in "lib" (its name).
        await admin.CreateTemplateAsync(Spec("repo-app",
            [new JsonObject { ["url"] = $"file://{app}", ["path"] = "src/app" }, new JsonObject { ["url"] = $"file://{lib}", ["depth"] = 1 }],
            "test -f src/app/README.md && test -f lib/lib.txt && date +%s%N >> started.txt"));
        string id = await rita.CreateWorkspaceAsync("repos", "repo-app");
        await rita.WaitForSettledAsync(id, "running", TimeSpan.FromSeconds(90));
        Assert.Equal("app\n", await File.ReadAllTextAsync(WorkspaceFile(id, "src/app/README.md")));
        Assert.Single(await File.ReadAllLinesAsync(WorkspaceFile(id, "started.txt")));
        var events = await EventsAsync(rita, id);
        Assert.Equal(2, events.Count(e => (string?)e!["kind"] == "repository.clone" && e["reason"] is null));
        Assert.Contains(events, e => (string?)e!["kind"] == "log" && ((string?)e["message"])!.Contains("[clone:src/app stderr] Cloning into", StringComparison.Ordinal));

        // Work in the clone survives a restart: the path holds something, so it is not cloned again.
        await File.WriteAllTextAsync(WorkspaceFile(id, "src/app/README.md"), "changed by the user\n");
        var restart = await rita.PostAsync($"/api/workspaces/{id}/restart", "");
        Assert.Equal(HttpStatusCode.Accepted, restart.Status);
        string operation = (string)restart.Json["operation"]!["id"]!;
        var ended = await Eventually.WaitAsync(() => rita.GetAsync($"/api/operations/{operation}"), r => (string?)r.Json["status"] is "succeeded" or "failed", TimeSpan.FromSeconds(90), "the restart");
        Assert.Equal("succeeded", (string?)ended.Json["status"]);
        Assert.Equal(2, (await File.ReadAllLinesAsync(WorkspaceFile(id, "started.txt"))).Length);
        Assert.Equal("changed by the user\n", await File.ReadAllTextAsync(WorkspaceFile(id, "src/app/README.md")));
        events = await EventsAsync(rita, id);
        Assert.Equal(2, events.Count(e => (string?)e!["kind"] == "repository.clone"));
        Assert.Contains(events, e => ((string?)e!["message"])!.Contains("src/app already exists; kept as it is", StringComparison.Ordinal));

        // A clone that fails: start_error with git's message, and the scripts never ran.
        await admin.CreateTemplateAsync(Spec("repo-missing", [new JsonObject { ["url"] = $"file://{fixture.RepositoryRoot}/missing.git", ["path"] = "m" }], "touch ran.txt"));
        string broken = await rita.CreateWorkspaceAsync("broken", "repo-missing");
        await rita.WaitForStatusAsync(broken, "failed", TimeSpan.FromSeconds(90));
        var brokenEvents = await EventsAsync(rita, broken);
        var startError = Assert.Single(brokenEvents, e => (string?)e!["kind"] == "agent.start_error");
        Assert.Contains("repository 'm' could not be cloned: fatal:", (string)startError!["message"]!);
        Assert.Contains("missing.git", (string)startError["message"]!);
        Assert.Contains(brokenEvents, e => (string?)e!["kind"] == "repository.clone" && (string?)e["reason"] == "clone_failed");
        Assert.False(File.Exists(WorkspaceFile(broken, "ran.txt")));
        var asAdmin = await admin.GetAsync($"/api/workspaces/{broken}");
        Assert.Contains("could not be cloned", (string?)asAdmin.Json["failureReason"] ?? asAdmin.Body);

        await rita.DeleteAsync($"/api/workspaces/{id}");
        await rita.DeleteAsync($"/api/workspaces/{broken}");
    }

    [Fact]
    public async Task APrivateRepository_GetsItsCredentialFromTheOwnersSecretThroughTheHelper_NeverInArgvUrlLogOrTimeline()
    {
        using var admin = fixture.Host.Admin();
        using var pia = new CoderApi(fixture.Host.BaseUrl, await fixture.NewMemberTokenAsync("pia"));
        string token = "ghp_" + Guid.NewGuid().ToString("N");
        string served = Path.Combine(fixture.RepositoryRoot, "served");
        Directory.CreateDirectory(served);
        await GitRepositories.CreateBareAsync(served, "private", new Dictionary<string, string> { ["secret-code.txt"] = "private\n" });
        await using var server = new PrivateGitServer(served, token);
        string url = $"http://127.0.0.1:{server.Port}/private.git";
        await admin.CreateTemplateAsync(Spec("repo-private", [new JsonObject { ["url"] = url, ["credentialSecret"] = "GIT_TOKEN" }], "test -f private/secret-code.txt"));

        // Without the secret the clone cannot even be tried: start_error naming the missing secret.
        string early = await pia.CreateWorkspaceAsync("early", "repo-private");
        await pia.WaitForStatusAsync(early, "failed", TimeSpan.FromSeconds(90));
        Assert.Contains(await EventsAsync(pia, early), e => (string?)e!["kind"] == "agent.start_error" && ((string)e["message"]!).Contains("secret GIT_TOKEN it names is not set", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, (await pia.SendAsync(HttpMethod.Put, "/api/users/me/secrets/GIT_TOKEN", $$"""{"value":"{{token}}"}""")).Status);
        string id = await pia.CreateWorkspaceAsync("private", "repo-private");
        await pia.WaitForSettledAsync(id, "running", TimeSpan.FromSeconds(90));
        Assert.Equal("private\n", await File.ReadAllTextAsync(WorkspaceFile(id, "private/secret-code.txt")));
        Assert.True(server.UnauthorizedRequests > 0, "git first asked without a credential");
        Assert.True(server.AuthorizedRequests > 0, "then with the secret from the helper");
        Assert.Empty(server.ArgvLeaks);

        // The clone keeps the helper (which reads the env var), never the token; nothing shows it.
        string config = await File.ReadAllTextAsync(WorkspaceFile(id, "private/.git/config"));
        Assert.DoesNotContain(token, config);
        Assert.Contains("url = " + url, config);
        Assert.Contains("$GIT_TOKEN", config);
        var events = await EventsAsync(pia, id);
        Assert.Contains(events, e => (string?)e!["kind"] == "repository.clone" && e["reason"] is null);
        Assert.DoesNotContain(token, events.ToJsonString());
        Assert.DoesNotContain(token, (await pia.GetAsync($"/api/workspaces/{id}")).Body);
        Assert.DoesNotContain(token, fixture.Host.Output);
        foreach (string file in Directory.EnumerateFiles(WorkspaceFile(id, ".coder-agent"), "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".sock", StringComparison.Ordinal)))
            Assert.DoesNotContain(token, await File.ReadAllTextAsync(file));

        await pia.DeleteAsync($"/api/workspaces/{early}");
        await pia.DeleteAsync($"/api/workspaces/{id}");
    }

    [Fact]
    public async Task Dotfiles_AreClonedAndInstalledInTheOwnersWorkspacesOnly_AndTheCommandManagesThem()
    {
        using var admin = fixture.Host.Admin();
        string danaToken = await fixture.NewMemberTokenAsync("dana");
        using var dana = new CoderApi(fixture.Host.BaseUrl, danaToken);
        using var omar = new CoderApi(fixture.Host.BaseUrl, await fixture.NewMemberTokenAsync("omar"));
        string dots = await GitRepositories.CreateBareAsync(fixture.RepositoryRoot, "dots", new Dictionary<string, string>
        {
            ["install.sh"] = "#!/bin/sh\necho installed > \"$HOME/.dotfiles-installed\"\n",
            [".vimrc"] = "set number\n",
        });

        using var cli = new CliProcess();
        Assert.Equal(0, (await cli.RunAsync("login", fixture.Host.BaseUrl, "--token", danaToken)).ExitCode);
        var bad = await cli.RunAsync("dotfiles", "set", "https://me:pw@example.invalid/dots.git");
        Assert.True(bad.ExitCode == 2, bad.ToString());
        Assert.Contains("url", bad.Stderr);
        var set = await cli.RunAsync("dotfiles", "set", $"file://{dots}", "--output", "json");
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Equal($"file://{dots}", (string)set.JsonOf("PUT", "/api/users/me/dotfiles")["url"]!);
        var shown = await cli.RunAsync("dotfiles", "get", "--output", "json");
        Assert.Equal($"file://{dots}", (string)shown.JsonOf("GET", "/api/users/me/dotfiles")["url"]!);
        Assert.Equal(HttpStatusCode.NotFound, (await omar.GetAsync("/api/users/me/dotfiles")).Status);

        await admin.CreateTemplateAsync(Templates.Local("dotfiles-env", "test -f .dotfiles-installed"));
        string mine = await dana.CreateWorkspaceAsync("dots", "dotfiles-env");
        await dana.WaitForSettledAsync(mine, "running", TimeSpan.FromSeconds(90));
        Assert.Equal("set number\n", await File.ReadAllTextAsync(WorkspaceFile(mine, ".dotfiles/.vimrc")));
        Assert.Equal("installed\n", await File.ReadAllTextAsync(WorkspaceFile(mine, ".dotfiles-installed")));
        Assert.Contains(await EventsAsync(dana, mine), e => (string?)e!["kind"] == "script.dotfiles" && e["reason"] is null);

        // Another user's workspace gets none of them (its startup script fails without the install's mark).
        string theirs = await omar.CreateWorkspaceAsync("dots", "dotfiles-env");
        await omar.WaitForStatusAsync(theirs, "failed", TimeSpan.FromSeconds(90));
        Assert.False(Directory.Exists(WorkspaceFile(theirs, ".dotfiles")));

        Assert.Equal(0, (await cli.RunAsync("dotfiles", "rm")).ExitCode);
        Assert.Equal(HttpStatusCode.NotFound, (await dana.GetAsync("/api/users/me/dotfiles")).Status);
        Assert.Equal(2, (await cli.RunAsync("dotfiles", "rm")).ExitCode);
        await dana.DeleteAsync($"/api/workspaces/{mine}");
        await omar.DeleteAsync($"/api/workspaces/{theirs}");
    }

    string WorkspaceFile(string workspaceId, string name) => Path.Combine(fixture.Host.DataDirectory, "workspaces", workspaceId, name);

    static async Task<JsonArray> EventsAsync(CoderApi api, string id) => (await api.GetAsync($"/api/workspaces/{id}/events?max=1000")).Json["items"]!.AsArray();

    static string Spec(string name, JsonArray repositories, string script) => new JsonObject
    {
        ["name"] = name,
        ["provisioner"] = "local",
        ["resources"] = new JsonObject { ["cpu"] = 0.5, ["memoryMiB"] = 256 },
        ["limits"] = new JsonObject { ["maxCpu"] = 1, ["maxMemoryMiB"] = 1024, ["maxReplicas"] = 1 },
        ["repositories"] = repositories,
        ["startupScripts"] = new JsonArray(new JsonObject { ["name"] = "check", ["script"] = script, ["timeoutSeconds"] = 60, ["blocksReady"] = true }),
        ["agent"] = new JsonObject { ["heartbeatSeconds"] = 2, ["readyTimeoutSeconds"] = 90 },
    }.ToJsonString();
}
