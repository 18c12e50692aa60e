using System.Net;
using Coder.EndToEnd.Tests.Infrastructure;

namespace Coder.EndToEnd.Tests.Connect;

/// <summary>
/// <c>coder ssh dev -- cmd</c> as a user runs it: through the host's relay into the workspace's agent, in the home where
/// its startup scripts ran, with stdout, stderr and the exit code kept apart (issue #22 acceptance).
/// </summary>
[Collection(ConnectCollection.Name)]
public sealed class SshCommandTests(ConnectFixture fixture)
{
    [Fact]
    public async Task A_command_reads_the_file_the_startup_script_wrote()
    {
        var result = await fixture.Alice.RunAsync("ssh", ConnectFixture.Workspace, "--", "cat", "marker.txt");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ConnectFixture.Marker + "\n", result.Stdout);
    }

    [Fact]
    public async Task Stdout_and_stderr_arrive_apart_and_the_remote_exit_code_is_the_cli_exit_code()
    {
        var result = await fixture.Alice.RunAsync("ssh", ConnectFixture.Workspace, "--", "sh", "-c", "echo out; echo err >&2; exit 7");

        Assert.True(result.ExitCode == 7, result.ToString());
        Assert.Equal("out\n", result.Stdout);
        Assert.Contains("err", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("out", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_members_connect_request_is_a_404_and_a_replica_that_does_not_exist_is_named()
    {
        using var bob = new CoderApi(fixture.Host.BaseUrl, fixture.BobToken);
        var refused = await bob.PostAsync($"/api/workspaces/{fixture.WorkspaceId}/connect", "{}");
        Assert.Equal(HttpStatusCode.NotFound, refused.Status);
        Assert.DoesNotContain("token", refused.Body, StringComparison.OrdinalIgnoreCase);

        var replica = await fixture.Alice.RunAsync("ssh", ConnectFixture.Workspace, "--replica", "5", "--", "true");
        Assert.True(replica.ExitCode == 2, replica.ToString());
        Assert.Contains("replica", replica.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stopped_workspace_says_so_and_how_to_start_it_instead_of_hanging()
    {
        var created = await fixture.Alice.RunAsync(TimeSpan.FromSeconds(180), "create", "idle", "--template", "connect");
        Assert.True(created.ExitCode == 0, created.ToString());
        var stopped = await fixture.Alice.RunAsync(TimeSpan.FromSeconds(120), "stop", "idle");
        Assert.True(stopped.ExitCode == 0, stopped.ToString());

        var result = await fixture.Alice.RunAsync(TimeSpan.FromSeconds(30), "ssh", "idle", "--", "true");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("workspace is stopped; `coder start idle`", result.Stderr, StringComparison.Ordinal);
    }
}
