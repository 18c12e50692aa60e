using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Coder.Dashboard.Tests;

/// <summary>
/// One local host process (as the README runs it: its printed sign-in link is read from its stdout) with a template, and
/// one headless Debian chromium driven by Playwright. Browser contexts are per test, so cookies never leak between them.
/// </summary>
public sealed partial class DashboardHost : IAsyncLifetime
{
    public const string Template = "web";

    readonly TestStorage _storage = new();
    IPlaywright? _playwright;

    public LocalHostProcess Host { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public JsonNode OpenApi { get; private set; } = null!;

    /// <summary>Where screenshots go: TestResults/screenshots at the repository root.</summary>
    public static string Screenshots { get; } = Path.Combine(BuildOutputs.RepoRoot, "TestResults", "screenshots");

    public string BaseUrl => Host.BaseUrl;

    public async Task InitializeAsync()
    {
        await _storage.InitializeAsync();
        Host = new LocalHostProcess(_storage.ConnectionString);
        await Host.StartAsync();
        using (var admin = Host.Admin())
        {
            await admin.CreateTemplateAsync(TemplateSpec("echo hello from the startup script"));
            OpenApi = (await admin.GetAsync("/api/openapi.json")).Json;
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath(),
            Headless = true,

            // Root in a container: chromium's own sandbox needs user namespaces it may not get.
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
        Directory.CreateDirectory(Screenshots);
    }

    /// <summary>The test template: a local one whose agent reports metrics every 2 s, so the charts have points at once.</summary>
    public static string TemplateSpec(string startupScript, bool withName = true)
    {
        var spec = JsonNode.Parse(Templates.Local(Template, startupScript, heartbeatSeconds: 2))!.AsObject();
        spec["agent"]!["metricsSeconds"] = 2;
        if (!withName) spec.Remove("name");
        return spec.ToJsonString();
    }

    /// <summary>The admin's one-time link, as a user copies it from the host's output.</summary>
    public string SignInLink() =>
        SignInLine().Match(Host.Output) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("The host printed no sign-in link:\n" + Host.Output);

    /// <summary>A fresh browser context (its own cookies) at 1280×800, or phone width.</summary>
    public async Task<RecordedPage> NewPageAsync(bool phone = false)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1280, Height = 800 },
        });
        context.SetDefaultTimeout(15_000);
        return new RecordedPage(context, await context.NewPageAsync(), OpenApi);
    }

    /// <summary>A member's API token, made by the admin as an admin would.</summary>
    public async Task<string> MemberTokenAsync(string user) => (await MemberTokenWithNameAsync(user)).Token;

    public async Task<(string Token, string Name)> MemberTokenWithNameAsync(string user)
    {
        using var admin = Host.Admin();
        var created = await admin.PostAsync("/api/tokens", $$"""{"name":"{{user}}-{{Guid.NewGuid():N}}","roles":["member"],"user":"{{user}}","expiresInDays":1}""");
        return (created.Json["token"]!.GetValue<string>(), created.Json["name"]!.GetValue<string>());
    }

    public static async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    /// <summary>CODER_CHROMIUM, else Debian's chromium (.ci/run installs it with apt).</summary>
    static string ChromiumPath()
    {
        string? configured = Environment.GetEnvironmentVariable("CODER_CHROMIUM");
        foreach (string? candidate in new[] { configured, "/usr/bin/chromium", "/usr/bin/chromium-browser" })
            if (candidate is { Length: > 0 } && File.Exists(candidate)) return candidate;
        throw new InvalidOperationException("No chromium: apt-get install -y chromium (or set CODER_CHROMIUM).");
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (Host is not null) await Host.DisposeAsync();
        await _storage.DisposeAsync();
    }

    [GeneratedRegex(@"Dashboard: sign in once with (\S+)")]
    private static partial Regex SignInLine();
}
