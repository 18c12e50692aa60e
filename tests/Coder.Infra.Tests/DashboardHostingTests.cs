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

    static string Value(ArmResource resource, string path) =>
        resource.Evaluate(path).Select(v => ArmEvaluator.Resolved(v, resource.Scope)).Constant();
}
