using Coder.Infra.Tests.Arm;
using Coder.Infra.Tests.Bicep;
using Coder.Infra.Tests.Deployment;
using Xunit;

namespace Coder.Infra.Tests;

/// <summary>
/// On Azure the dashboard is a Static Web App whose linked backend is the function app (routePrefix api), so the page and
/// /api share an origin; people sign in with Entra, and the function app trusts the principal header only behind App
/// Service Authentication.
/// </summary>
[Collection(CompiledMainTemplateCollection.Name)]
public sealed class DashboardHostingTests(CompiledMainTemplate compiled)
{
    readonly DeployedTemplate _deployed = new(compiled);

    [Fact]
    public void The_dashboard_is_a_Standard_Static_Web_App_with_the_function_app_as_its_linked_backend_and_Entra_settings()
    {
        var site = Assert.Single(_deployed.Resources, r => r.Type == "Microsoft.Web/staticSites");
        Assert.Equal("Standard", Value(site, "sku.name"));

        var backend = Assert.Single(_deployed.Resources, r => r.Type == "Microsoft.Web/staticSites/linkedBackends");
        var app = Assert.Single(_deployed.Resources, r => r.Type == "Microsoft.Web/sites");
        string appName = app.Evaluate("name").Select(v => ArmEvaluator.Resolved(v, app.Scope)).Constant();
        string backendId = Value(backend, "properties.backendResourceId");
        Assert.True(backendId.Contains("Microsoft.Web/sites", StringComparison.Ordinal) && backendId.EndsWith(appName, StringComparison.Ordinal), $"linked backend: {backendId}; app: {appName}");

        var settings = Assert.Single(_deployed.Resources, r => r.Type == "Microsoft.Web/staticSites/config" && r.LeafNames().Contains("appsettings"));
        Assert.Equal(DeployedTemplate.AzdEnvironment["AZURE_AUTH_CLIENT_ID"], Value(settings, "properties.AZURE_CLIENT_ID"));

        // The principal the site forwards is honoured only because App Service Authentication fronts the app.
        Assert.Equal("true", _deployed.AppSettings()["CODER_TRUST_EASYAUTH"]);
        Assert.StartsWith("https://", _deployed.Output("AZURE_DASHBOARD_URL"), StringComparison.Ordinal);
    }

    /// <summary>
    /// The page's headers are fixed in staticwebapp.config.json, so the deploy step writes the relay's origin into it: the
    /// Terminal tab may open WebSockets to the relayUrl the connect answers name (CODER_RELAY_URL) and to nothing else.
    /// </summary>
    [Fact]
    public async Task The_dashboards_policy_allows_WebSockets_to_this_deployments_relay_and_no_other_host()
    {
        string folder = Directory.CreateTempSubdirectory("coder-swa-").FullName;
        try
        {
            File.Copy(Path.Combine(RepositoryPaths.RepoRoot, "src", "Coder.Dashboard", "public", "staticwebapp.config.json"), Path.Combine(folder, "staticwebapp.config.json"));
            Assert.Equal("'self'", ConnectSources(folder));

            // The namespace azd hands the script (the output AZURE_RELAY_NAMESPACE); the app's CODER_RELAY_URL, which the
            // connect answers carry, is that namespace's wss:// origin.
            Assert.Matches(@"^wss://[A-Za-z0-9-]+\.servicebus\.windows\.net$", _deployed.AppSettings()["CODER_RELAY_URL"]);
            const string relayNamespace = "relay-abc123";

            Assert.Equal(0, await RunAsync(relayNamespace));
            Assert.Equal(0, await RunAsync(relayNamespace)); // idempotent: a second deploy of the same files
            Assert.Equal("'self' wss://relay-abc123.servicebus.windows.net", ConnectSources(folder));

            // Not a namespace name: nothing is written.
            Assert.NotEqual(0, await RunAsync("x; default-src *"));
            Assert.Equal("'self' wss://relay-abc123.servicebus.windows.net", ConnectSources(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        async Task<int> RunAsync(string relayNamespace)
        {
            var start = new System.Diagnostics.ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(Path.Combine(RepositoryPaths.RepoRoot, "infra", "scripts", "dashboard-relay-csp.sh"));
            start.ArgumentList.Add(folder);
            start.Environment["AZURE_RELAY_NAMESPACE"] = relayNamespace;
            using var process = System.Diagnostics.Process.Start(start)!;
            await Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync(), process.WaitForExitAsync());
            return process.ExitCode;
        }
    }

    static string ConnectSources(string folder)
    {
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "staticwebapp.config.json")))!;
        string policy = (string)config["globalHeaders"]!["Content-Security-Policy"]!;
        return policy.Split(';', StringSplitOptions.TrimEntries).Single(d => d.StartsWith("connect-src ", StringComparison.Ordinal))["connect-src ".Length..];
    }

    static string Value(ArmResource resource, string path) =>
        resource.Evaluate(path).Select(v => ArmEvaluator.Resolved(v, resource.Scope)).Constant();
}
