using System.Diagnostics;
using Coder.Local.Hosting;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Coder.Bench.Scenarios;

/// <summary>
/// Time until the workspace list is interactive (rows drawn and "New workspace" enabled) in headless Debian chromium,
/// signed in, against the real local host with seeded workspaces; next to a static page of the same size (one HTML file
/// and one script of the dashboard's bytes that draws a table and a button), served by the same host in the same run.
/// Each is loaded cold (a fresh browser context, so no cache) several times; the figure is the median.
/// </summary>
public sealed class DashboardScenario : IBenchmarkScenario
{
    const int Workspaces = 20;
    const string StaticPage = "bench-static.html";

    public string Name => "dashboard";

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        int runs = context.Quick ? 5 : 15;
        string[] standIns = ["NoOpProvisioner (creates nothing)", "ReadyAtOnceAgent (reports ready through the real ingest, over HTTP as a local agent does)"];
        string wwwroot = DashboardHosting.Folder;
        if (!File.Exists(Path.Combine(wwwroot, "index.html"))) throw new InvalidOperationException($"No dashboard in {wwwroot}: build bench/Coder.Bench (it copies the host's wwwroot).");
        long dashboardBytes = Directory.GetFiles(wwwroot, "*", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith("bench-", StringComparison.Ordinal)).Sum(f => new FileInfo(f).Length);
        WriteStaticPage(wwwroot, dashboardBytes);

        await using var host = await BenchLocalHost.StartAsync(context, new NoOpProvisioner(new ReadyAtOnceAgent()), null, cancellationToken);
        await BenchApi.CreateTemplateAsync(host.Api, "bench", cancellationToken);
        var client = host.Services.GetRequiredService<DurableTaskClient>();
        for (int i = 0; i < Workspaces; i++)
        {
            var (_, operation) = await BenchApi.CreateWorkspaceWithOperationAsync(host.Api, $"dash{i}", "bench", cancellationToken);
            await client.WaitForInstanceCompletionAsync(operation, cancellationToken);
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CODER_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
        string baseUrl = host.Api.BaseAddress!.ToString().TrimEnd('/');

        async Task<double> DashboardOnceAsync()
        {
            await using var browserContext = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl });
            var signIn = await browserContext.APIRequest.PostAsync("/api/session", new() { DataObject = new Dictionary<string, string> { ["token"] = BenchLocalHost.AdminToken } });
            if (signIn.Status != 201) throw new InvalidOperationException($"Sign-in answered {signIn.Status}.");
            var page = await browserContext.NewPageAsync();
            var sw = Stopwatch.StartNew();
            await page.GotoAsync("/", new() { WaitUntil = WaitUntilState.Commit });
            await page.Locator($"[data-testid='workspace-dash{Workspaces - 1}']").WaitForAsync();
            await page.Locator("button:has-text('New workspace'):enabled").WaitForAsync();
            return sw.Elapsed.TotalMilliseconds;
        }

        async Task<double> StaticOnceAsync()
        {
            await using var browserContext = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl });
            var page = await browserContext.NewPageAsync();
            var sw = Stopwatch.StartNew();
            await page.GotoAsync("/" + StaticPage, new() { WaitUntil = WaitUntilState.Commit });
            await page.Locator($"[data-testid='workspace-dash{Workspaces - 1}']").WaitForAsync();
            await page.Locator("button:has-text('New workspace'):enabled").WaitForAsync();
            return sw.Elapsed.TotalMilliseconds;
        }

        // Warm the host and the browser (JIT, connections) before anything is timed; then alternate the two.
        await DashboardOnceAsync();
        await StaticOnceAsync();
        var dashboard = new List<double>();
        var baseline = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            dashboard.Add(await DashboardOnceAsync());
            baseline.Add(await StaticOnceAsync());
        }

        double p50 = Median(dashboard), staticP50 = Median(baseline);
        Console.WriteLine($"   workspace list interactive p50 {p50:0} ms (max {dashboard.Max():0}) | static page of {dashboardBytes / 1024.0:0} KiB p50 {staticP50:0} ms");
        return
        [
            new(Name, "workspace list interactive (p50, cold)", p50, "ms", $"static page of the same size ({dashboardBytes / 1024.0:0} KiB)", staticP50, staticP50 / p50, "< 1000 ms", $"{Workspaces} workspaces, {runs} cold loads each, headless chromium", p50 < 1000, standIns),
        ];
    }

    /// <summary>The baseline: no API calls, no framework; the same number of bytes to fetch, parse and run.</summary>
    static void WriteStaticPage(string wwwroot, long bytes)
    {
        string rows = string.Concat(Enumerable.Range(0, Workspaces).Select(i => $"<tr data-testid='workspace-dash{i}'><td>dash{i}</td><td>running</td></tr>"));
        string script = $"document.getElementById('list').innerHTML = \"{rows}\"; document.getElementById('new').disabled = false;\n";
        string padding = "/*" + new string('x', (int)Math.Max(0, bytes - script.Length - 600)) + "*/";
        File.WriteAllText(Path.Combine(wwwroot, "bench-static.js"), script + padding);
        File.WriteAllText(Path.Combine(wwwroot, StaticPage), "<!doctype html><html><head><meta charset='utf-8'><title>static</title><script type='module' src='/bench-static.js'></script></head><body><button id='new' disabled>New workspace</button><table id='list'></table></body></html>");
    }

    static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
