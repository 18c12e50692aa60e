using System.Net;
using System.Text.Json.Nodes;
using Coder.EndToEnd.Tests.Infrastructure;
using Coder.EndToEnd.Tests.Secrets;
using Coder.EndToEnd.Tests.Security;

namespace Coder.EndToEnd.Tests.Parameters;

/// <summary>
/// Template parameters end to end, on the security tests' host: a string-with-options parameter fixed at create, a
/// bounded (and monotonic) number, a regex-checked string with a default, and a <c>file://</c> repository the agent
/// clones before the startup script (which fails unless the clone is there). Bad values are 400s naming the parameter and
/// the rule; a valid create runs its startup script with the values as CODER_PARAM_*; PATCH changes mutable ones for the
/// next start (200, no operation) and refuses the immutable one; an upgrade carries them over and asks for new required ones.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class ParameterTests(SecurityHost fixture)
{
    const string Template = "params";
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task BadValuesAre400sNamingTheParameter_AValidCreateRunsWithCoderParamEnv_AndOnlyMutableOnesChangeForTheNextStart()
    {
        using var admin = fixture.Host.Admin();
        using var pam = await fixture.NewMemberAsync("pam");
        string repository = await RepositoryAsync();
        await admin.CreateTemplateAsync(Spec(Template, repository));

        // A declaration that does not fit its type is refused with the template, by path.
        var badSpec = await admin.PostAsync("/api/templates", Spec("params-bad", repository).Replace("\"regex\": \"^[0-9]+$\"", "\"regex\": \"^[0-9]+$\", \"min\": 1"));
        Assert.Equal(HttpStatusCode.BadRequest, badSpec.Status);
        Assert.NotNull(badSpec.Json["errors"]!["parameters[2].validation"]);

        // Every bad value is a 400 naming the parameter and the rule, and creates nothing.
        await AssertRefused(pam, """{"region":"mars","cpus":2}""", "region", "one of the options: eu, us");
        await AssertRefused(pam, """{"region":"us","cpus":9}""", "cpus", "At most 8");
        await AssertRefused(pam, """{"region":"us","cpus":"four"}""", "cpus", "Must be a number");
        await AssertRefused(pam, """{"region":"us"}""", "cpus", "Required");
        await AssertRefused(pam, """{"cpus":2,"node-version":"v20"}""", "node-version", "regex");
        await AssertRefused(pam, """{"cpus":2,"colour":"red"}""", "colour", "Unknown parameter");
        Assert.Empty((await pam.GetAsync("/api/workspaces")).Json["items"]!.AsArray());

        var created = await pam.PostAsync("/api/workspaces", $$$"""{"name":"p1","template":"{{{Template}}}","parameters":{"region":"us","cpus":2}}""");
        Assert.Equal(HttpStatusCode.Accepted, created.Status);
        string id = (string)created.Json["id"]!;
        var running = (await pam.WaitForSettledAsync(id, "running", Deadline)).Json;
        Assert.Equal("us", (string)running["parameters"]!["region"]!);
        Assert.Equal("20", (string)running["parameters"]!["node-version"]!);
        Assert.Null(running["pendingChanges"]);
        Assert.Equal(["CODER_PARAM_CPUS=2", "CODER_PARAM_NODE_VERSION=20", "CODER_PARAM_REGION=us"], await ScriptEnvAsync(id, "CODER_PARAM_CPUS=2"));
        Assert.Equal("params\n", await File.ReadAllTextAsync(Path.Combine(fixture.Host.DataDirectory, "workspaces", id, "src", "README.md")));

        // The immutable one cannot change, a monotonic number only grows, and a stale If-Match is a 412; none writes.
        var current = await pam.GetAsync($"/api/workspaces/{id}");
        string etag = current.Headers["ETag"];
        var immutable = await Patch(pam, id, """{"parameters":{"region":"eu"}}""", etag);
        Assert.Equal(HttpStatusCode.BadRequest, immutable.Status);
        Assert.Contains("Immutable", (string)immutable.Json["errors"]!["parameters.region"]![0]!);
        var shrink = await Patch(pam, id, """{"parameters":{"cpus":1}}""", etag);
        Assert.Equal(HttpStatusCode.BadRequest, shrink.Status);
        Assert.Contains("Monotonic (increasing)", (string)shrink.Json["errors"]!["parameters.cpus"]![0]!);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await Patch(pam, id, """{"parameters":{"cpus":4}}""", "W/\"datetime'2000-01-01T00%3A00%3A00Z'\"")).Status);
        Assert.Equal(etag, (await pam.GetAsync($"/api/workspaces/{id}")).Headers["ETag"]);

        // A mutable one: one conditional write, 200 with the workspace, no operation; it applies on the next start.
        var changed = await Patch(pam, id, """{"parameters":{"cpus":4}}""", etag);
        Assert.Equal(HttpStatusCode.OK, changed.Status);
        Assert.NotEqual(etag, changed.Headers["ETag"]);
        Assert.Equal(4, (int)changed.Json["parameters"]!["cpus"]!);
        Assert.Null(changed.Json["operation"]);
        Assert.Equal("next-start", (string)changed.Json["pendingChanges"]!["appliesOn"]!);
        Assert.Equal(["cpus"], changed.Json["pendingChanges"]!["parameters"]!.AsArray().Select(n => (string)n!));
        Assert.Equal("running", (string)changed.Json["status"]!);
        var changedEntry = Assert.Single((await pam.GetAsync($"/api/workspaces/{id}/events")).Json["items"]!.AsArray(), e => (string?)e!["kind"] == "parameters.updated");
        Assert.Contains("Parameters changed by", (string)changedEntry!["message"]!);
        Assert.Contains("cpus; they apply on the next start", (string)changedEntry["message"]!);

        Assert.Equal(HttpStatusCode.Accepted, (await pam.PostAsync($"/api/workspaces/{id}/restart", "")).Status);
        await Eventually.WaitAsync(() => pam.GetAsync($"/api/workspaces/{id}"),
            r => (string?)r.Json["status"] == "running" && r.Json["operation"] is null && r.Json["pendingChanges"] is null, Deadline, "the restart to apply the change");
        Assert.Contains("CODER_PARAM_CPUS=4", await ScriptEnvAsync(id, "CODER_PARAM_CPUS=4"));

        // An upgrade to a version with a new required parameter asks for it by name; given, the old values carry over.
        var v2 = await admin.PostAsync($"/api/templates/{Template}/versions", SpecBody(Template, repository, """, { "name": "team", "type": "string", "mutable": false }"""));
        Assert.True(v2.Status == HttpStatusCode.Created, v2.ToString());
        var asks = await pam.PostAsync($"/api/workspaces/{id}/upgrade", """{"version":2}""");
        Assert.Equal(HttpStatusCode.BadRequest, asks.Status);
        Assert.Contains("new in v2", (string)asks.Json["errors"]!["parameters.team"]![0]!);
        Assert.Equal(1, (int)(await pam.GetAsync($"/api/workspaces/{id}")).Json["templateVersion"]!);

        var upgrade = await pam.PostAsync($"/api/workspaces/{id}/upgrade", """{"version":2,"parameters":{"team":"core"}}""");
        Assert.True(upgrade.Status == HttpStatusCode.Accepted, upgrade.ToString());
        await Eventually.WaitAsync(() => pam.GetAsync($"/api/workspaces/{id}"),
            r => (int?)r.Json["templateVersion"] == 2 && (string?)r.Json["status"] == "running" && r.Json["operation"] is null, Deadline, "the upgrade to v2");
        Assert.Equal(["CODER_PARAM_CPUS=4", "CODER_PARAM_NODE_VERSION=20", "CODER_PARAM_REGION=us", "CODER_PARAM_TEAM=core"], await ScriptEnvAsync(id, "CODER_PARAM_TEAM=core"));

        // Parameters and a size together: the parameters are written, then the scale starts under that write's ETag (202).
        string upgraded = (await pam.GetAsync($"/api/workspaces/{id}")).Headers["ETag"];
        var both = await Patch(pam, id, """{"size":{"cpu":2,"memoryMiB":512},"parameters":{"cpus":6}}""", upgraded);
        Assert.True(both.Status == HttpStatusCode.Accepted, both.ToString());
        Assert.Equal("scale", (string)both.Json["operation"]!["kind"]!);
        var scaled = (await pam.WaitForSettledAsync(id, "running", Deadline)).Json;
        Assert.Equal(2.0, (double)scaled["size"]!["cpu"]!);
        Assert.Equal(6, (int)scaled["parameters"]!["cpus"]!);
        Assert.Equal(HttpStatusCode.Accepted, (await pam.DeleteAsync($"/api/workspaces/{id}")).Status);
    }

    [Fact]
    public async Task CoderCreateAndUpdateTakeParameters_WithoutATerminalAMissingRequiredOneExits2NamingIt_AtATerminalItIsAskedFor()
    {
        using var admin = fixture.Host.Admin();
        string token = await fixture.NewMemberTokenAsync("cleo");
        await admin.CreateTemplateAsync(Spec("params-cli", await RepositoryAsync()));
        using var cli = new CliProcess();
        Assert.Equal(0, (await cli.RunAsync("login", fixture.Host.BaseUrl, "--token", token)).ExitCode);

        var missing = await cli.RunAsync("create", "c0", "--template", "params-cli", "--parameter", "region=us");
        Assert.True(missing.ExitCode == 2, missing.ToString());
        Assert.Contains("parameters.cpus", missing.Stderr);
        var notANumber = await cli.RunAsync("create", "c0", "--template", "params-cli", "--parameter", "cpus=lots");
        Assert.True(notANumber.ExitCode == 1, notANumber.ToString());
        Assert.Contains("cpus is a number", notANumber.Stderr);

        var created = await cli.RunAsync("create", "c1", "--template", "params-cli", "-p", "region=us", "--parameter", "cpus=3", "--no-wait", "--output", "json");
        Assert.True(created.ExitCode == 0, created.ToString());
        using var cleo = new CoderApi(fixture.Host.BaseUrl, token);
        string id = (string)created.JsonOf("POST", "/api/workspaces", 202)["id"]!;
        var workspace = (await cleo.GetAsync($"/api/workspaces/{id}")).Json;
        Assert.Equal(3, (int)workspace["parameters"]!["cpus"]!);
        Assert.Equal("us", (string)workspace["parameters"]!["region"]!);

        // coder update: a PATCH of parameters, typed by the template; an immutable one is the API's 400, exit 2.
        var updated = await cli.RunAsync("update", "c1", "-p", "cpus=4", "--output", "json");
        Assert.True(updated.ExitCode == 0, updated.ToString());
        Assert.Equal(4, (int)updated.JsonOf("PATCH", "/api/workspaces/{id}")["parameters"]!["cpus"]!);
        var immutable = await cli.RunAsync("update", "c1", "-p", "region=eu");
        Assert.True(immutable.ExitCode == 2, immutable.ToString());
        Assert.Contains("Immutable", immutable.Stderr);

        // At a terminal, the required number not given is asked for (and a bad answer asked again).
        Assert.True(TmuxSession.Available, "tmux is not installed (.ci/run installs it with apt)");
        await using var terminal = new TmuxSession();
        await terminal.StartAsync(["dotnet", BuildOutputs.CliDll, "create", "c2", "--template", "params-cli", "--no-wait"], new Dictionary<string, string> { ["HOME"] = cli.Home });
        await terminal.WaitForScreenAsync(s => s.Contains("cpus (number), CPUs to plan for?", StringComparison.Ordinal), Deadline, "the prompt for cpus");
        await terminal.TypeAsync("many");
        await terminal.SendKeysAsync("Enter");
        await terminal.WaitForScreenAsync(s => s.Contains("cpus is a number", StringComparison.Ordinal), Deadline, "the prompt to refuse a non-number");
        await terminal.TypeAsync("5");
        await terminal.SendKeysAsync("Enter");
        await terminal.WaitForScreenAsync(s => s.Contains("[exited 0]", StringComparison.Ordinal), Deadline, "coder create to finish");
        var listed = (await cleo.GetAsync("/api/workspaces")).Json["items"]!.AsArray().Single(w => (string?)w!["name"] == "c2")!;
        Assert.Equal(5, (int)listed["parameters"]!["cpus"]!);
        Assert.Equal("eu", (string)listed["parameters"]!["region"]!);
    }

    static async Task AssertRefused(CoderApi api, string parameters, string parameter, string rule)
    {
        var refused = await api.PostAsync("/api/workspaces", $$$"""{"name":"bad","template":"{{{Template}}}","parameters":{{{parameters}}}}""");
        Assert.True(refused.Status == HttpStatusCode.BadRequest, refused.ToString());
        Assert.Equal("application/problem+json", refused.ContentType);
        var messages = refused.Json["errors"]![$"parameters.{parameter}"]?.AsArray().Select(m => (string)m!).ToList();
        Assert.True(messages is not null && messages.Any(m => m.Contains(rule, StringComparison.Ordinal)), refused.ToString());
    }

    static Task<ApiResponse> Patch(CoderApi api, string id, string body, string ifMatch) =>
        api.SendAsync(HttpMethod.Patch, $"/api/workspaces/{id}", body, new Dictionary<string, string> { ["If-Match"] = ifMatch });

    /// <summary>The CODER_PARAM_* lines the startup script saw, once the file its latest build wrote holds <paramref name="expected"/>.</summary>
    async Task<string[]> ScriptEnvAsync(string workspaceId, string expected)
    {
        string path = Path.Combine(fixture.Host.DataDirectory, "workspaces", workspaceId, "params.txt");
        string text = await Eventually.WaitAsync(() => Task.FromResult(File.Exists(path) ? File.ReadAllText(path) : ""), t => t.Contains(expected, StringComparison.Ordinal), Deadline, $"params.txt to hold {expected}");
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>A bare git repository under the host's repository root (what sandboxed workspaces may clone from).</summary>
    Task<string> RepositoryAsync() =>
        GitRepositories.CreateBareAsync(fixture.RepositoryRoot, "params-" + Guid.NewGuid().ToString("N")[..8], new Dictionary<string, string> { ["README.md"] = "params\n" });

    static string Spec(string name, string repository) => $$"""{ "name": "{{name}}", {{SpecBody(name, repository, "")[1..]}}""";

    /// <summary>The version body (no name): the repository, the three parameters, then <paramref name="moreParameters"/>.</summary>
    static string SpecBody(string name, string repository, string moreParameters) => $$"""
        {
          "description": "{{name}}: parameters",
          "provisioner": "local",
          "resources": { "cpu": 1, "memoryMiB": 512 },
          "limits": { "maxCpu": 2, "maxMemoryMiB": 2048, "maxReplicas": 1 },
          "repositories": [ { "url": "file://{{repository}}", "path": "src" } ],
          "parameters": [
            { "name": "region", "type": "string", "options": ["eu", "us"], "default": "eu", "mutable": false },
            { "name": "cpus", "displayName": "cpus", "description": "CPUs to plan for", "type": "number", "validation": { "min": 1, "max": 8, "monotonic": "increasing" }, "mutable": true },
            { "name": "node-version", "type": "string", "validation": { "regex": "^[0-9]+$" }, "default": "20", "mutable": true }{{moreParameters}}
          ],
          "startupScripts": [ { "name": "params", "script": "test -f src/README.md && env | grep ^CODER_PARAM_ | sort > params.txt", "timeoutSeconds": 60, "blocksReady": true } ],
          "agent": { "heartbeatSeconds": 2, "readyTimeoutSeconds": 60 }
        }
        """;
}
