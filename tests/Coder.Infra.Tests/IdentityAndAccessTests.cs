using Coder.Infra.Tests.Arm;
using Coder.Infra.Tests.Arm.Values;
using Coder.Infra.Tests.Bicep;
using Coder.Infra.Tests.Roles;
using Xunit;

namespace Coder.Infra.Tests;

/// <summary>Shared keys are off, the app connects with its identity, and every grant is an allow-listed built-in role.</summary>
[Collection(CompiledMainTemplateCollection.Name)]
public sealed class IdentityAndAccessTests(CompiledMainTemplate compiled)
{
    [Fact]
    public void StorageAccounts_DisableSharedKeyAccess()
    {
        var accounts = compiled.OfType("Microsoft.Storage/storageAccounts");

        Assert.True(accounts.Count >= 2, "Expected the state account and the workspace files account.");
        Assert.All(accounts, account => Assert.True(
            account.Evaluate("properties.allowSharedKeyAccess").Constant() == "False",
            $"{account} must set allowSharedKeyAccess: false"));
    }

    [Fact]
    public void AppSettings_UseIdentityBasedStorageConnection()
    {
        var settings = AppSettings();

        Assert.Equal("managedidentity", Setting(settings, "AzureWebJobsStorage__credential"));
        Assert.All(["blobServiceUri", "queueServiceUri", "tableServiceUri", "clientId"],
            suffix => Assert.True(settings.Members.ContainsKey($"AzureWebJobsStorage__{suffix}"), $"AzureWebJobsStorage__{suffix} missing"));
        Assert.False(settings.Members.ContainsKey("AzureWebJobsStorage"), "A plain AzureWebJobsStorage setting would be a connection string.");
        Assert.False(settings.Members.ContainsKey("FUNCTIONS_WORKER_RUNTIME"), "Flex Consumption takes the runtime from functionAppConfig, not app settings.");
    }

    [Fact]
    public void AppSettings_CarryNoKeysOrKeyLookups()
    {
        var settings = AppSettings();
        var appSettingsModule = Assert.Single(compiled.OfType("Microsoft.Resources/deployments"), d => d.Path == "functionApp");
        var rendered = settings.Members.SelectMany(member => member.Value.Value.Texts().Select(text => $"{member.Key}={text}")).ToList();

        Assert.DoesNotContain(rendered, text => text.Contains("AccountKey", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(rendered, text => text.Contains("SharedAccessKey", StringComparison.OrdinalIgnoreCase));
        // Raw JSON too: a listKeys() feeding a setting renders as {?} above, so look for it in the module's expressions.
        var moduleJson = appSettingsModule.Body.ToJsonString();
        Assert.DoesNotContain("listKeys(", moduleJson, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("AccountKey", moduleJson, StringComparison.OrdinalIgnoreCase);
        // Anywhere else, a key may be read only into a Key Vault secret (the relay rules' keys), never into a setting or an output.
        var lookups = compiled.Resources.Where(r => r.Type is not ("Microsoft.KeyVault/vaults/secrets" or "Microsoft.Resources/deployments") && r.Body.ToJsonString().Contains("listKeys(", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(lookups.Count == 0, "listKeys() outside a Key Vault secret: " + string.Join(", ", lookups));
        Assert.DoesNotContain("listKeys(", compiled.Template["outputs"]!.ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void AppSettings_ConfigureEveryCoderSetting()
    {
        var settings = AppSettings();
        string[] required =
        [
            "AZURE_CLIENT_ID", "CODER_TASKHUB", "CODER_AGENT_TRANSPORT", "CODER_SERVICEBUS__fullyQualifiedNamespace",
            "CODER_SERVICEBUS_QUEUE", "CODER_EVENTGRID_TOPIC_ENDPOINT", "CODER_EVENTGRID_KEY", "APPLICATIONINSIGHTS_CONNECTION_STRING",
            "CODER_AZURE_SUBSCRIPTION_ID", "CODER_AZURE_RESOURCE_GROUP", "CODER_AZURE_LOCATION", "CODER_RECONCILE_SCHEDULE",
            "CODER_AUTOSCALE_SCHEDULE",
        ];

        Assert.All(required, name => Assert.True(settings.Members.ContainsKey(name), $"app setting {name} missing"));
        Assert.Equal("servicebus", Setting(settings, "CODER_AGENT_TRANSPORT"));
        Assert.Equal("agent-events", Setting(settings, "CODER_SERVICEBUS_QUEUE"));
        Assert.Equal("*/30 * * * * *", Setting(settings, "CODER_RECONCILE_SCHEDULE"));
        // Timer schedules written as %SETTING% fail the Functions host's indexing when the app setting is missing.
        Assert.Equal("0 * * * * *", Setting(settings, "CODER_AUTOSCALE_SCHEDULE"));
    }

    [Fact]
    public void EventGridKeySetting_IsAKeyVaultReferenceWhenTheVaultIsOn()
    {
        var candidates = AppSettings().Member("CODER_EVENTGRID_KEY");

        // Two branches: the Key Vault reference (vault on) or the secure parameter itself (vault off).
        Assert.Contains(candidates.Texts(), text => text.StartsWith("@Microsoft.KeyVault(SecretUri=", StringComparison.Ordinal));
        Assert.Contains(candidates, candidate => candidate is ArmUnknown unknown && unknown.Reason.Contains("eventGridWebhookKey", StringComparison.Ordinal));
    }

    [Fact]
    public void RoleAssignments_UseOnlyAllowListedBuiltInRoles()
    {
        var findings = RoleAssignmentAudit.Audit(compiled.Template);

        Assert.True(findings.Count >= 10, $"Expected the template's role assignments, found {findings.Count}.");
        var problems = findings.SelectMany(finding => finding.Problems.Select(problem => $"{finding.Assignment}: {problem}")).ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void RoleAssignments_GrantEveryAllowListedRoleSomewhere()
    {
        // Keeps the allow-list honest: a role the Bicep no longer grants must leave the list (and the docs).
        // Delegated roles count: the app grants them to workspace identities at run time, within its condition.
        var granted = RoleAssignmentAudit.Audit(compiled.Template).SelectMany(finding => finding.Roles.Concat(finding.DelegatedRoles)).ToHashSet();

        var unused = BuiltInRoleAllowList.Roles.Where(role => !granted.Contains(role)).Select(role => role.Name).ToList();
        Assert.True(unused.Count == 0, "Allow-listed but never granted: " + string.Join(", ", unused));
    }

    [Fact]
    public void RoleAssignments_InTheWorkspaceGroupServeOnlyTheProvisioners()
    {
        string[] provisionerRoles =
        [
            "Reader", "Azure Container Instances Contributor Role", "Virtual Machine Contributor", "Disk Snapshot Contributor",
            "Managed Identity Contributor", "Managed Identity Operator", "Storage Account Contributor", "Storage File Data Privileged Contributor",
            "Role Based Access Control Administrator",
        ];

        var workspaceGroupRoles = RoleAssignmentAudit.Audit(compiled.Template)
            .Where(finding => finding.Assignment.StartsWith("workspaceResources/", StringComparison.Ordinal))
            .SelectMany(finding => finding.Roles)
            .Select(role => role.Name)
            .ToHashSet();

        Assert.Equal(provisionerRoles.Order(), workspaceGroupRoles.Order());
    }

    private ArmObject AppSettings()
    {
        var config = Assert.Single(compiled.OfType("Microsoft.Web/sites/config"), c => c.LeafNames().Contains("appsettings"));
        var properties = config.Evaluate("properties");
        return Assert.IsType<ArmObject>(Assert.Single(properties));
    }

    private static string Setting(ArmObject settings, string name) => settings.Member(name).Constant();
}
