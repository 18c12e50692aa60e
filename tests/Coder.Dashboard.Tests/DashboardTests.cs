using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Coder.Dashboard.Tests;

/// <summary>
/// The dashboard as people use it, in a real browser against the local host process: the admin's printed link, a
/// workspace created from the form and watched live, the timeline, a snapshot in the tree, a member who sees only their
/// own, CSRF on cookie-authenticated changes, signing out. Every API call a page makes is checked against the OpenAPI
/// document, and each page is saved as a screenshot under TestResults/screenshots.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardTests(DashboardHost fixture)
{
    static readonly LocatorAssertionsToHaveTextOptions Live = new() { Timeout = 90_000 };

    [Fact]
    public async Task WithoutASession_TheRootShowsSignInAndLoadsNoData()
    {
        await using var recorded = await fixture.NewPageAsync();
        var page = recorded.Page;
        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to Coder Cloud" })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("API token")).ToBeVisibleAsync();
        await DashboardHost.ScreenshotAsync(page, "sign-in");

        // The page asked who is signed in (401) and nothing else: no list, no template, no data.
        Assert.Equal([("GET", "/api/session")], recorded.ApiCalls.Distinct().ToList());
        Assert.DoesNotContain(DashboardHost.Template, await page.ContentAsync(), StringComparison.Ordinal);

        // A deep link is the same page (history fallback), still without data.
        await page.GotoAsync("/workspaces/ws-anything");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to Coder Cloud" })).ToBeVisibleAsync();
        recorded.AssertEveryCallDescribed();
    }

    [Fact]
    public async Task TheAdminSignsInThroughThePrintedLink_CreatesAWorkspace_WatchesItLive_SnapshotsIt_StopsIt_AndSignsOut()
    {
        await using var recorded = await fixture.NewPageAsync();
        var page = recorded.Page;

        // The link the host printed on stdout, opened as a user would; then the link is spent.
        string link = fixture.SignInLink();
        await page.GotoAsync(link);
        await Expect(page).ToHaveURLAsync(fixture.BaseUrl + "/");
        await Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("admin");
        var cookie = (await recorded.Context.CookiesAsync()).Single(c => c.Name == "coder_session");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        using (var http = new HttpClient())
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync(link)).StatusCode);

        // Empty state, then the form: no JSON typed anywhere.
        await Expect(page.GetByText("No workspaces yet.")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "New workspace" }).ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("web1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create", Exact = true }).ClickAsync();
        var row = page.GetByTestId("workspace-web1");
        await Expect(row.GetByTestId("status")).ToHaveTextAsync("running", Live);
        await Expect(row).ToContainTextAsync("healthy", new() { Timeout = 30_000 });
        await DashboardHost.ScreenshotAsync(page, "workspaces");

        // Its page: the timeline shows the provision's steps, the startup script's output is in the logs.
        await row.GetByRole(AriaRole.Link, new() { Name = "web1" }).ClickAsync();
        var timeline = page.GetByRole(AriaRole.List, new() { Name = "Timeline" });
        await Expect(timeline).ToContainTextAsync("provision.started");
        await Expect(timeline).ToContainTextAsync("provision.agent-starting");
        await Expect(timeline).ToContainTextAsync("provision.succeeded");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Startup logs" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.List, new() { Name = "Startup logs" })).ToContainTextAsync("hello from the startup script");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Metrics" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "CPU % over time" })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await DashboardHost.ScreenshotAsync(page, "workspace");

        // A snapshot taken from the page appears in the tree.
        await page.GetByRole(AriaRole.Tab, new() { Name = "Snapshots" }).ClickAsync();
        await page.GetByLabel("Snapshot label").FillAsync("first");
        await page.GetByRole(AriaRole.Button, new() { Name = "Take snapshot" }).ClickAsync();
        var snapshot = page.GetByRole(AriaRole.Tree, new() { Name = "Snapshot tree" }).GetByTestId("snapshot-first");
        await Expect(snapshot).ToContainTextAsync("ready", new() { Timeout = 90_000 });
        await Expect(page.GetByTestId("workspace-status")).ToHaveTextAsync("running", Live);
        await DashboardHost.ScreenshotAsync(page, "workspace-snapshots");

        // Stop, and the status changes without a reload; the timeline gets the stop's steps.
        await page.GetByRole(AriaRole.Button, new() { Name = "Stop", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("workspace-status")).ToHaveTextAsync("stopped", Live);
        await page.GetByRole(AriaRole.Tab, new() { Name = "Timeline" }).ClickAsync();
        await Expect(timeline).ToContainTextAsync("stop.", new() { Timeout = 30_000 });

        // Templates and a canary rollout of a second version, started from the page.
        using (var admin = fixture.Host.Admin())
            Assert.Equal(System.Net.HttpStatusCode.Created, (await admin.PostAsync($"/api/templates/{DashboardHost.Template}/versions", DashboardHost.TemplateSpec("echo v2", withName: false))).Status);
        await page.GetByRole(AriaRole.Link, new() { Name = "Templates" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = DashboardHost.Template, Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Promote v2" })).ToBeVisibleAsync();
        await DashboardHost.ScreenshotAsync(page, "template");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start rollout" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Rollout of {DashboardHost.Template} v2" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("rollout-status")).ToHaveTextAsync(new Regex("succeeded|failed|running|paused|aborted"), Live);
        await DashboardHost.ScreenshotAsync(page, "rollout");

        await page.GetByRole(AriaRole.Link, new() { Name = "Admin" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Audit log" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Table).Last).ToContainTextAsync("POST workspaces");
        await DashboardHost.ScreenshotAsync(page, "admin");

        // The list at phone width still shows the workspace and its actions.
        await page.SetViewportSizeAsync(390, 844);
        await page.GetByRole(AriaRole.Link, new() { Name = "Workspaces", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("workspace-web1").GetByTestId("status")).ToHaveTextAsync("stopped");
        await DashboardHost.ScreenshotAsync(page, "workspaces-phone");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Start web1", Exact = true })).ToBeVisibleAsync();

        // Signing out clears the session: the cookie is gone and the old one no longer works.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to Coder Cloud" })).ToBeVisibleAsync();
        Assert.DoesNotContain(await recorded.Context.CookiesAsync(), c => c.Name == "coder_session");
        using (var http = new HttpClient())
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, fixture.BaseUrl + "/api/session");
            request.Headers.Add("Cookie", $"coder_session={cookie.Value}");
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http.SendAsync(request)).StatusCode);
        }

        recorded.AssertEveryCallDescribed();
    }

    [Fact]
    public async Task AMemberSignsInWithTheirToken_AndDoesNotSeeAnotherMembersWorkspace()
    {
        string alice = await fixture.MemberTokenAsync("alice");
        var (bob, bobsTokenName) = await fixture.MemberTokenWithNameAsync("bob");
        string alicesWorkspace;
        using (var asAlice = new CoderApi(fixture.BaseUrl, alice))
        {
            var created = await asAlice.PostAsync("/api/workspaces", $$"""{"name":"alices","template":"{{DashboardHost.Template}}"}""");
            alicesWorkspace = created.Json["id"]!.GetValue<string>();
        }

        await using var recorded = await fixture.NewPageAsync();
        var page = recorded.Page;
        await page.GotoAsync("/");
        await page.GetByLabel("API token").FillAsync(bob);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("bob");
        await Expect(page.GetByText("No workspaces yet.")).ToBeVisibleAsync();
        Assert.Equal(0, await page.GetByTestId("workspace-alices").CountAsync());
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Admin" })).ToHaveCountAsync(0);

        // Her workspace's page is a 404 to him, shown as the problem's detail.
        await page.GotoAsync($"/workspaces/{alicesWorkspace}");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not found", new() { IgnoreCase = true });
        Assert.DoesNotContain("alices", await page.Locator("#content").InnerTextAsync(), StringComparison.Ordinal);

        // A session stands for its token: once the admin revokes it, the page is back at signing in.
        using (var admin = fixture.Host.Admin())
            Assert.Equal(System.Net.HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/tokens/{bobsTokenName}")).Status);
        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to Coder Cloud" })).ToBeVisibleAsync();
        recorded.AssertEveryCallDescribed();
    }

    [Fact]
    public async Task ACookieAuthenticatedChangeWithoutTheCsrfHeaderIsRefused_AndAWrongTokenSaysSo()
    {
        await using var recorded = await fixture.NewPageAsync(phone: true);
        var page = recorded.Page;
        await page.GotoAsync("/");
        await page.GetByLabel("API token").FillAsync("cdr_not-a-real-token");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not valid");

        await page.GetByLabel("API token").FillAsync(await fixture.MemberTokenAsync("carol"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("carol");

        // The browser's own cookie, as another page's form post would send it, without the header: 403, nothing made.
        var body = new Dictionary<string, object> { ["name"] = "forged", ["template"] = DashboardHost.Template };
        var forged = await page.APIRequest.PostAsync("/api/workspaces", new() { DataObject = body });
        Assert.Equal(403, forged.Status);
        Assert.Contains("X-Coder-Csrf", (await forged.JsonAsync())?.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("forged", await (await page.APIRequest.GetAsync("/api/workspaces")).TextAsync(), StringComparison.Ordinal);
        Assert.Equal(403, (await page.APIRequest.DeleteAsync("/api/users/me/ssh-key")).Status);

        // With the session's CSRF value (what the page sends) the same cookie's change goes through.
        string csrf = (await (await page.APIRequest.GetAsync("/api/session")).JsonAsync())!.Value.GetProperty("csrfToken").GetString()!;
        var allowed = await page.APIRequest.DeleteAsync("/api/users/me/ssh-key", new() { Headers = new Dictionary<string, string> { ["X-Coder-Csrf"] = csrf } });
        Assert.Equal(204, allowed.Status);
        recorded.AssertEveryCallDescribed();
    }
}
