using System.Net;
using Coder.EndToEnd.Tests.Infrastructure;
using Coder.Local.Storage;

namespace Coder.EndToEnd.Tests.Connect;

/// <summary>
/// A local host with its defaults (it starts its own relay), a member "alice" logged in with the real CLI, and her
/// workspace "dev" created with <c>coder create</c> from a template whose startup script writes marker.txt and serves
/// its home with python's http.server on <see cref="HttpPort"/>. A second member "bob" has a token and no workspace.
/// </summary>
public sealed class ConnectFixture : IAsyncLifetime
{
    public const string Marker = "written by the startup script";
    public const int HttpPort = 18931;
    public const string Workspace = "dev";

    readonly TestStorage _storage = new();

    public LocalHostProcess Host { get; private set; } = null!;

    public CliProcess Alice { get; } = new();

    public string AliceToken { get; private set; } = "";

    public string BobToken { get; private set; } = "";

    public string WorkspaceId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await _storage.InitializeAsync();
        Host = new LocalHostProcess(_storage.ConnectionString);
        await Host.StartAsync();
        using var admin = Host.Admin();
        AliceToken = await MintMemberTokenAsync(admin, "alice");
        BobToken = await MintMemberTokenAsync(admin, "bob");
        await admin.CreateTemplateAsync(Templates.Local("connect",
            $"echo '{Marker}' > marker.txt; setsid python3 -m http.server {HttpPort} --bind 127.0.0.1 >http.log 2>&1 < /dev/null &"));

        var login = await Alice.RunAsync("login", Host.BaseUrl, "--token", AliceToken);
        Assert.True(login.ExitCode == 0, login.ToString());
        var created = await Alice.RunAsync(TimeSpan.FromSeconds(180), "create", Workspace, "--template", "connect");
        Assert.True(created.ExitCode == 0, created.ToString());
        using var alice = new CoderApi(Host.BaseUrl, AliceToken);
        var list = await alice.GetAsync("/api/workspaces");
        WorkspaceId = list.Json["items"]!.AsArray().Single(w => (string?)w!["name"] == Workspace)!["id"]!.GetValue<string>();
    }

    public CoderApi AliceApi() => new(Host.BaseUrl, AliceToken);

    static async Task<string> MintMemberTokenAsync(CoderApi admin, string user)
    {
        var created = await admin.PostAsync("/api/tokens", $$"""{"name":"{{user}}-cli","roles":["member"],"user":"{{user}}","expiresInDays":1}""");
        Assert.True(created.Status == HttpStatusCode.Created, created.ToString());
        return created.Json["token"]!.GetValue<string>();
    }


    public async Task DisposeAsync()
    {
        Alice.Dispose();
        await Host.DisposeAsync(); // and the relay it started, which the host itself leaves running
        await _storage.DisposeAsync();
    }


}
