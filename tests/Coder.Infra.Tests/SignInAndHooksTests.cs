using System.Runtime.Versioning;
using Coder.Infra.Tests.Arm;
using Coder.Infra.Tests.Bicep;
using Coder.Infra.Tests.Deployment;
using Coder.Orchestrations.Provisioning.AgentDelivery;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace Coder.Infra.Tests;

/// <summary>
/// After `azd up` somebody can sign in (App Service Authentication with Entra, the deploying principal as first admin)
/// and workspaces find an agent to download (the postdeploy hook's upload and the right it needs).
/// </summary>
[Collection(CompiledMainTemplateCollection.Name)]
[SupportedOSPlatform("linux")] // azd runs the hooks with sh; their execute bit matters
public sealed class SignInAndHooksTests(CompiledMainTemplate compiled)
{
    readonly DeployedTemplate _deployed = new(compiled);

    [Fact]
    public void App_Service_Authentication_signs_people_in_with_Entra_and_lets_anonymous_requests_reach_the_apps_own_authorization()
    {
        var auth = Assert.Single(_deployed.Resources, r => r.Type == "Microsoft.Web/sites/config" && r.LeafNames().Contains("authsettingsV2"));
        string Value(string path) => auth.Evaluate(path).Select(v => ArmEvaluator.Resolved(v, auth.Scope)).Constant();
        string clientId = DeployedTemplate.AzdEnvironment["AZURE_AUTH_CLIENT_ID"];
        var settings = _deployed.AppSettings();

        Assert.Equal("True", Value("properties.platform.enabled"));
        Assert.Equal("True", Value("properties.identityProviders.azureActiveDirectory.enabled"));
        Assert.Equal(clientId, Value("properties.identityProviders.azureActiveDirectory.registration.clientId"));
        Assert.Matches(@"^https://login\.microsoftonline\.com/[0-9a-f-]{36}/v2\.0$", Value("properties.identityProviders.azureActiveDirectory.registration.openIdIssuer"));
        Assert.Equal($"api://{clientId}", auth.Evaluate("properties.identityProviders.azureActiveDirectory.validation.allowedAudiences").Elements().Constant());
        // Agents, API tokens, /api/health and the agent binary carry no Entra session: the app authorizes every route itself.
        Assert.Equal("False", Value("properties.globalValidation.requireAuthentication"));
        Assert.Equal("AllowAnonymous", Value("properties.globalValidation.unauthenticatedClientAction"));
        // Secretless: the setting it names holds the app identity's client id (a federated credential on the registration).
        string secretSetting = Value("properties.identityProviders.azureActiveDirectory.registration.clientSecretSettingName");
        Assert.Equal(settings["AZURE_CLIENT_ID"], settings[secretSetting]);
        Assert.Equal("true", settings["CODER_TRUST_EASYAUTH"]);
    }

    [Fact]
    public void The_deploying_principal_is_the_first_admin_and_the_preprovision_hook_supplies_the_app_registration()
    {
        var parameters = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.BicepRoot, "main.parameters.json")))!["parameters"]!;

        Assert.Equal("${AZURE_PRINCIPAL_ID}", (string?)parameters["adminPrincipalId"]!["value"]);
        Assert.Equal("${AZURE_AUTH_CLIENT_ID}", (string?)parameters["authClientId"]!["value"]);
        Assert.Equal(DeployedTemplate.AzdEnvironment["AZURE_PRINCIPAL_ID"], _deployed.AppSettings()["CODER_ADMIN_PRINCIPAL_IDS"]);
        Assert.Equal("infra/scripts/entra-app.sh", Hook("preprovision"));
        Assert.Equal("infra/scripts/entra-app.sh", Hook("postprovision"));
    }

    [Fact]
    public void The_postdeploy_hook_uploads_the_agent_where_the_control_plane_serves_it_from_with_a_right_on_that_container_only()
    {
        Assert.Equal("infra/scripts/publish-agent.sh", Hook("postdeploy"));
        string script = File.ReadAllText(Path.Combine(RepositoryPaths.RepoRoot, "infra", "scripts", "publish-agent.sh"));
        Assert.Contains("--auth-mode login", script, StringComparison.Ordinal);
        Assert.Contains("--name linux-x64/coder-agent", script, StringComparison.Ordinal);
        Assert.Contains("--metadata \"sha256=$sha256\"", script, StringComparison.Ordinal);
        Assert.Equal("agent-binaries", _deployed.Output("AZURE_AGENT_BINARIES_CONTAINER"));
        Assert.Equal(Coder.Orchestrations.Provisioning.AgentDelivery.BlobAgentBinaryStore.ContainerName, _deployed.Output("AZURE_AGENT_BINARIES_CONTAINER"));

        var upload = Assert.Single(_deployed.Resources, r => r.Type == "Microsoft.Authorization/roleAssignments"
            && r.Evaluate("properties.roleDefinitionId").Select(v => ArmEvaluator.Resolved(v, r.Scope)).Constant().EndsWith("ba92f5b4-2d11-453d-a403-e96b0029c9fe", StringComparison.Ordinal));
        Assert.Equal(DeployedTemplate.AzdEnvironment["AZURE_PRINCIPAL_ID"], upload.Evaluate("properties.principalId").Constant());
        // resourceId('Microsoft.Storage/storageAccounts/blobServices/containers', account, 'default', 'agent-binaries').
        string scope = upload.Evaluate("scope").Select(v => ArmEvaluator.Resolved(v, upload.Scope)).Constant();
        Assert.StartsWith("Microsoft.Storage/storageAccounts/blobServices/containers/", scope, StringComparison.Ordinal);
        Assert.EndsWith("/default/agent-binaries", scope, StringComparison.Ordinal);
    }

    static string Hook(string name)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(RepositoryPaths.RepoRoot, "azure.yaml"));
        stream.Load(reader);
        var hook = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode)["hooks"])[name];
        string run = ((YamlScalarNode)hook["run"]).Value!;
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.RepoRoot, run)), $"{name} hook {run} does not exist.");
        Assert.True((File.GetUnixFileMode(Path.Combine(RepositoryPaths.RepoRoot, run)) & UnixFileMode.UserExecute) != 0, $"{run} is not executable.");
        return run;
    }
}
