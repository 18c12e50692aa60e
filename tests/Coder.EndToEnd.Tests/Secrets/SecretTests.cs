using System.Net;
using Azure.Data.Tables;
using Coder.EndToEnd.Tests.Infrastructure;
using Coder.EndToEnd.Tests.Security;

namespace Coder.EndToEnd.Tests.Secrets;

/// <summary>
/// Per-user secrets end to end on the security tests' host (its captured log output, sandboxed workspaces): a secret
/// reaches its owner's workspace scripts and nothing else, not another user's workspace, the timeline, the logs, the
/// table at rest or any GET. Each test uses users of its own.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class SecretTests(SecurityHost fixture)
{
    [Fact]
    public async Task ASecretSetByOneUser_IsInHerWorkspaceScripts_AndAbsentFromAnotherUsersWorkspace_TheTimeline_TheLogs_AndEveryGet()
    {
        using var admin = fixture.Host.Admin();
        using var sofia = new CoderApi(fixture.Host.BaseUrl, await fixture.NewMemberTokenAsync("sofia"));
        using var ben = new CoderApi(fixture.Host.BaseUrl, await fixture.NewMemberTokenAsync("ben"));
        string value = "s3cret-" + Guid.NewGuid().ToString("N");

        // Bad input is a 400 naming the field, and stores nothing.
        var lower = await sofia.SendAsync(HttpMethod.Put, "/api/users/me/secrets/api_token", """{"value":"x"}""");
        Assert.Equal(HttpStatusCode.BadRequest, lower.Status);
        Assert.NotNull(lower.Json["errors"]!["name"]);
        var reserved = await sofia.SendAsync(HttpMethod.Put, "/api/users/me/secrets/CODER_TOKEN", """{"value":"x"}""");
        Assert.NotNull(reserved.Json["errors"]!["name"]);
        var noValue = await sofia.SendAsync(HttpMethod.Put, "/api/users/me/secrets/API_TOKEN", "{}");
        Assert.Equal(HttpStatusCode.BadRequest, noValue.Status);
        Assert.NotNull(noValue.Json["errors"]!["value"]);
        Assert.Empty((await sofia.GetAsync("/api/users/me/secrets")).Json["items"]!.AsArray());

        var set = await sofia.SendAsync(HttpMethod.Put, "/api/users/me/secrets/API_TOKEN", $$"""{"value":"{{value}}"}""");
        Assert.Equal(HttpStatusCode.OK, set.Status);
        Assert.Equal("API_TOKEN", (string)set.Json["name"]!);
        var listed = await sofia.GetAsync("/api/users/me/secrets");
        Assert.Equal(["API_TOKEN"], listed.Json["items"]!.AsArray().Select(i => (string)i!["name"]!));
        Assert.Empty((await ben.GetAsync("/api/users/me/secrets")).Json["items"]!.AsArray());

        await admin.CreateTemplateAsync(Templates.Local("secret-env", """printf '%s' "${API_TOKEN-unset}" > secret.txt"""));
        string mine = await sofia.CreateWorkspaceAsync("sec", "secret-env");
        string theirs = await ben.CreateWorkspaceAsync("sec", "secret-env");
        await sofia.WaitForStatusAsync(mine, "running", TimeSpan.FromSeconds(90));
        await ben.WaitForStatusAsync(theirs, "running", TimeSpan.FromSeconds(90));
        Assert.Equal(value, await File.ReadAllTextAsync(WorkspaceFile(mine, "secret.txt")));
        Assert.Equal("unset", await File.ReadAllTextAsync(WorkspaceFile(theirs, "secret.txt")));

        // No GET shows it, to the owner, the other user or an admin.
        foreach (var (caller, id) in new[] { (sofia, mine), (ben, theirs), (admin, mine) })
        {
            foreach (string path in new[] { "/api/workspaces", $"/api/workspaces/{id}", $"/api/workspaces/{id}/events?max=500", "/api/users/me/secrets", "/api/templates/secret-env" })
            {
                var answer = await caller.GetAsync(path);
                Assert.True(answer.Status == HttpStatusCode.OK, $"{path}: {answer}");
                Assert.DoesNotContain(value, answer.Body);
            }
        }
        Assert.DoesNotContain(value, (await admin.GetAsync("/api/audit?max=1000")).Body);

        // Not in the table at rest (sealed), nor the control plane's log, nor the agent's files (log, outbox).
        var table = new TableClient(fixture.ConnectionString, fixture.Host.Prefix + "Secrets");
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == "sofia")) rows.Add(row);
        Assert.Equal("API_TOKEN", Assert.Single(rows).RowKey);
        Assert.NotEmpty(rows[0].GetString("Sealed"));
        Assert.DoesNotContain(rows[0], p => p.Value?.ToString()?.Contains(value, StringComparison.Ordinal) == true);
        if (OperatingSystem.IsLinux()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(fixture.Host.DataDirectory, "secrets.key")));
        Assert.DoesNotContain(value, fixture.Host.Output);
        foreach (string file in Directory.EnumerateFiles(WorkspaceFile(mine, ".coder-agent"), "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".sock", StringComparison.Ordinal)))
            Assert.DoesNotContain(value, await File.ReadAllTextAsync(file));

        Assert.Equal(HttpStatusCode.NoContent, (await sofia.DeleteAsync("/api/users/me/secrets/API_TOKEN")).Status);
        Assert.Empty((await sofia.GetAsync("/api/users/me/secrets")).Json["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.NotFound, (await sofia.DeleteAsync("/api/users/me/secrets/API_TOKEN")).Status);
        await sofia.DeleteAsync($"/api/workspaces/{mine}");
        await ben.DeleteAsync($"/api/workspaces/{theirs}");
    }

    [Fact]
    public async Task TheSecretsCommand_SetsFromStdin_ListsNamesOnly_AndRemoves()
    {
        using var admin = fixture.Host.Admin();
        string token = await fixture.NewMemberTokenAsync("cora");
        using var cli = new CliProcess();
        Assert.Equal(0, (await cli.RunAsync("login", fixture.Host.BaseUrl, "--token", token)).ExitCode);
        string value = "piped-" + Guid.NewGuid().ToString("N");

        var set = await cli.RunWithInputAsync(value + "\n", "secrets", "set", "NPM_TOKEN");
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.DoesNotContain(value, set.Stdout + set.Stderr);
        var list = await cli.RunAsync("secrets", "list", "--output", "json");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Equal("NPM_TOKEN", (string)list.JsonOf("GET", "/api/users/me/secrets")["items"]![0]!["name"]!);
        Assert.DoesNotContain(value, list.Stdout);

        // The value as piped (less its final line break) is what the workspace gets.
        await admin.CreateTemplateAsync(Templates.Local("secret-cli", """printf '%s' "$NPM_TOKEN" > npm.txt"""));
        using var cleo = new CoderApi(fixture.Host.BaseUrl, token);
        string id = await cleo.CreateWorkspaceAsync("cli", "secret-cli");
        await cleo.WaitForStatusAsync(id, "running", TimeSpan.FromSeconds(90));
        Assert.Equal(value, await File.ReadAllTextAsync(WorkspaceFile(id, "npm.txt")));

        // A command through the relay gets it as the scripts do (the agent listens once its manifest says so).
        var printed = await Eventually.WaitAsync(() => cli.RunAsync("ssh", "cli", "--", "printenv", "NPM_TOKEN"), r => r.ExitCode == 0, TimeSpan.FromSeconds(30), "coder ssh to answer");
        Assert.Equal(value, printed.Stdout.TrimEnd('\n'));

        var bad = await cli.RunWithInputAsync("x", "secrets", "set", "bad-name");
        Assert.True(bad.ExitCode == 2, bad.ToString());
        Assert.Contains("name", bad.Stderr);
        Assert.Equal(0, (await cli.RunAsync("secrets", "rm", "NPM_TOKEN")).ExitCode);
        var gone = await cli.RunAsync("secrets", "rm", "NPM_TOKEN");
        Assert.True(gone.ExitCode == 2, gone.ToString());
        await cleo.DeleteAsync($"/api/workspaces/{id}");
    }

    string WorkspaceFile(string workspaceId, string name) => Path.Combine(fixture.Host.DataDirectory, "workspaces", workspaceId, name);
}
