using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Coder.Dashboard.Tests;

/// <summary>
/// The Terminal tab in a real browser: xterm.js on a pty in a real local workspace, through the host's real relay
/// process and the workspace's real agent, over the page's own connect-protocol client (src/connect/mux.ts). What the shell
/// answers proves the TypeScript frames are the ones the C# agent reads; stty proves resize frames reach the pty.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed partial class TerminalTests(DashboardHost fixture)
{
    static readonly LocatorAssertionsToHaveTextOptions Live = new() { Timeout = 90_000 };
    static readonly LocatorAssertionsToBeVisibleOptions Shell = new() { Timeout = 30_000 };
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TheTerminalTabRunsAShellInTheWorkspace_FollowsTheViewportsSize_EndsItWhenClosed_AndSaysWhenTheWorkspaceStops()
    {
        string token = await fixture.MemberTokenAsync("dana");
        string workspaceId;
        using (var dana = new CoderApi(fixture.BaseUrl, token))
            workspaceId = await dana.CreateWorkspaceAsync("term", DashboardHost.Template);

        try
        {
            await UseTheTerminalAsync(token, workspaceId);
        }
        finally
        {
            // The collection's other tests start from an admin's empty list; the workspace goes with the test.
            using var dana = new CoderApi(fixture.BaseUrl, token);
            await dana.DeleteAsync($"/api/workspaces/{workspaceId}");
            await Eventually.WaitAsync(() => dana.GetAsync($"/api/workspaces/{workspaceId}"), r => r.Status == System.Net.HttpStatusCode.NotFound, TimeSpan.FromSeconds(60), "the terminal test's workspace to be deleted");
        }
    }

    async Task UseTheTerminalAsync(string token, string workspaceId)
    {
        await using var recorded = await fixture.NewPageAsync();
        var page = recorded.Page;
        await page.GotoAsync("/");
        await page.GetByLabel("API token").FillAsync(token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync("dana");

        // The page allows WebSockets to the relay the connect answer names, and to nothing else.
        var index = await page.APIRequest.GetAsync("/");
        string relayOrigin = "ws" + fixture.Host.Relay!.Url["http".Length..].TrimEnd('/');
        Assert.Contains($"connect-src 'self' {relayOrigin};", index.Headers["content-security-policy"], StringComparison.Ordinal);

        await page.GotoAsync($"/workspaces/{workspaceId}");
        await Expect(page.GetByTestId("workspace-status")).ToHaveTextAsync("running", Live);
        await page.GetByRole(AriaRole.Tab, new() { Name = "Terminal" }).ClickAsync();
        var terminal = page.GetByRole(AriaRole.Region, new() { Name = "Terminal of term" });
        var rows = terminal.Locator(".xterm-rows > div");
        await Expect(page.GetByTestId("terminal-state")).ToContainTextAsync("Connected");
        await Expect(rows.Filter(new() { HasTextRegex = Prompt() }).First).ToBeVisibleAsync(Shell);

        await terminal.ClickAsync();
        await page.Keyboard.TypeAsync("echo $((6*7))");
        await page.Keyboard.PressAsync("Enter");
        await Expect(rows.Filter(new() { HasTextRegex = Line("42") }).First).ToBeVisibleAsync(Shell);

        // stty reports the grid the page fitted to its container (the size went out in the open frame).
        var (cols, rows1) = await GridAsync(terminal);
        await page.Keyboard.TypeAsync("stty size");
        await page.Keyboard.PressAsync("Enter");
        await Expect(rows.Filter(new() { HasTextRegex = Line($"{rows1} {cols}") }).First).ToBeVisibleAsync(Shell);
        await DashboardHost.ScreenshotAsync(page, "terminal");

        // A phone-width viewport: the grid is fitted again, a resize frame goes out, and the shell sees the new size.
        await page.SetViewportSizeAsync(390, 844);
        await Expect(terminal).Not.ToHaveAttributeAsync("data-cols", cols.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var (narrowCols, narrowRows) = await GridAsync(terminal);
        Assert.True(narrowCols < cols, $"the grid did not narrow: {narrowCols} columns at 390 px, {cols} at 1280 px");
        await page.Keyboard.TypeAsync("clear; stty size");
        await page.Keyboard.PressAsync("Enter");
        await Expect(rows.Filter(new() { HasTextRegex = Line($"{narrowRows} {narrowCols}") }).First).ToBeVisibleAsync(Shell);
        await DashboardHost.ScreenshotAsync(page, "terminal-phone");

        // Leaving the tab closes the connection, and the agent ends the shell and what runs in it; coming back opens a new one.
        string duration = $"100.{Random.Shared.Next(100_000, 999_999)}";
        await page.Keyboard.TypeAsync($"sleep {duration}");
        await page.Keyboard.PressAsync("Enter");
        await Eventually.WaitAsync(() => RunningCommands.Any("sleep", duration), Deadline, "the sleep typed into the terminal to run in the workspace");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Timeline" }).ClickAsync();
        await Eventually.WaitAsync(() => !RunningCommands.Any("sleep", duration), Deadline, "the sleep to end with the terminal tab");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Terminal" }).ClickAsync();
        await Expect(rows.Filter(new() { HasTextRegex = Prompt() }).First).ToBeVisibleAsync(Shell);

        // Stopping the workspace ends its agent and so the session: the page says so and offers to reconnect, and a
        // reconnect gets the API's 409 detail as text.
        await page.SetViewportSizeAsync(1280, 800);
        await page.GetByRole(AriaRole.Button, new() { Name = "Stop", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("terminal-state")).ToContainTextAsync("Disconnected", new() { Timeout = 90_000 });
        await Expect(page.GetByTestId("workspace-status")).ToHaveTextAsync("stopped", Live);
        await page.GetByRole(AriaRole.Button, new() { Name = "Reconnect" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("workspace is stopped; `coder start term`");
        await DashboardHost.ScreenshotAsync(page, "terminal-stopped");
        recorded.AssertEveryCallDescribed();
    }

    static async Task<(int Cols, int Rows)> GridAsync(ILocator terminal) =>
        (int.Parse((await terminal.GetAttributeAsync("data-cols"))!, System.Globalization.CultureInfo.InvariantCulture),
         int.Parse((await terminal.GetAttributeAsync("data-rows"))!, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A terminal row that is exactly <paramref name="words"/> (xterm may draw spaces as no-break spaces).</summary>
    static Regex Line(string words) => new($"^\\s*{words.Replace(" ", "\\s", StringComparison.Ordinal)}\\s*$");

    [GeneratedRegex(@"[$#]\s*$")]
    private static partial Regex Prompt();
}
