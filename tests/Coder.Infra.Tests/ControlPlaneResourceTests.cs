using Coder.Infra.Tests.Arm;
using Coder.Infra.Tests.Bicep;
using Xunit;

namespace Coder.Infra.Tests;

/// <summary>The compiled ARM JSON declares every resource the app needs, configured as the design requires.</summary>
[Collection(CompiledMainTemplateCollection.Name)]
public sealed class ControlPlaneResourceTests(CompiledMainTemplate compiled)
{
    public static TheoryData<string, string> RequiredResourceTypes => new()
    {
        { "Microsoft.Resources/resourceGroups", "control-plane and workspace resource groups" },
        { "Microsoft.ManagedIdentity/userAssignedIdentities", "app identity and workspace identity" },
        { "Microsoft.Web/serverfarms", "Flex Consumption plan" },
        { "Microsoft.Web/sites", "the Function App" },
        { "Microsoft.Web/sites/config", "identity-based app settings" },
        { "Microsoft.Storage/storageAccounts", "state storage and workspace home shares" },
        { "Microsoft.Storage/storageAccounts/blobServices/containers", "snapshots, templates, deployment package" },
        { "Microsoft.Storage/storageAccounts/tableServices/tables", "Coder state tables" },
        { "Microsoft.Storage/storageAccounts/queueServices/queues", "coder-events" },
        { "Microsoft.ServiceBus/namespaces", "agent event transport" },
        { "Microsoft.ServiceBus/namespaces/queues", "agent-events" },
        { "Microsoft.EventGrid/topics", "lifecycle CloudEvents out" },
        { "Microsoft.EventGrid/systemTopics", "resource events in" },
        { "Microsoft.EventGrid/systemTopics/eventSubscriptions", "webhook subscription (optional)" },
        { "Microsoft.OperationalInsights/workspaces", "Log Analytics" },
        { "Microsoft.Insights/components", "Application Insights" },
        { "Microsoft.Insights/workbooks", "the Coder workbook" },
        { "Microsoft.Insights/scheduledQueryRules", "failed-provision and stale-ingest alerts" },
        { "Microsoft.KeyVault/vaults", "Key Vault (relay keys; optional without the relay)" },
        { "Microsoft.Relay/namespaces", "the way into workspaces (coder ssh, port-forward)" },
        { "Microsoft.Relay/namespaces/authorizationRules", "coder-control-plane (Listen, Send) and coder-connect (Send)" },
        { "Microsoft.KeyVault/vaults/secrets", "the relay rules' keys, read through Key Vault references" },
        { "Microsoft.Authorization/roleAssignments", "least-privilege grants" },
    };

    [Theory]
    [MemberData(nameof(RequiredResourceTypes))]
    public void Template_DeclaresRequiredResourceType(string type, string purpose)
    {
        Assert.True(compiled.OfType(type).Count > 0, $"No {type} in the compiled template ({purpose}).");
    }

    [Fact]
    public void Template_TargetsSubscriptionScopeWithAzdParameters()
    {
        Assert.Contains("subscriptionDeploymentTemplate.json", compiled.Template["$schema"]!.GetValue<string>(), StringComparison.Ordinal);
        var parameters = compiled.Template["parameters"]!.AsObject();
        Assert.All(["environmentName", "location", "principalId"], name => Assert.True(parameters.ContainsKey(name), $"azd parameter {name} missing"));
        Assert.Equal("securestring", parameters["eventGridWebhookKey"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void MainParameters_NameOnlyTemplateParameters()
    {
        var templateParameters = compiled.Template["parameters"]!.AsObject();
        var azdParameters = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.BicepRoot, "main.parameters.json")))!["parameters"]!.AsObject();

        var unknown = azdParameters.Select(pair => pair.Key).Where(name => !templateParameters.ContainsKey(name)).ToList();
        Assert.True(unknown.Count == 0, "main.parameters.json names parameters main.bicep lacks: " + string.Join(", ", unknown));
    }

    [Fact]
    public void Outputs_GiveAzdTheValuesItNeeds()
    {
        var outputs = compiled.Template["outputs"]!.AsObject();
        string[] required =
        [
            "AZURE_LOCATION", "AZURE_TENANT_ID", "AZURE_RESOURCE_GROUP", "AZURE_WORKSPACE_RESOURCE_GROUP",
            "AZURE_FUNCTION_APP_NAME", "AZURE_STORAGE_ACCOUNT_NAME", "AZURE_SERVICEBUS_NAMESPACE",
            "AZURE_EVENTGRID_TOPIC_ENDPOINT", "APPLICATIONINSIGHTS_CONNECTION_STRING",
        ];

        Assert.All(required, name => Assert.True(outputs.ContainsKey(name), $"output {name} missing"));
    }

    [Fact]
    public void FunctionApp_RunsOnFlexConsumptionDotnetIsolated10()
    {
        var plan = compiled.Single("Microsoft.Web/serverfarms");
        var app = compiled.Single("Microsoft.Web/sites");

        Assert.Equal("FC1", plan.Evaluate("sku.name").Constant());
        Assert.Equal("FlexConsumption", plan.Evaluate("sku.tier").Constant());
        Assert.Equal("dotnet-isolated", app.Evaluate("properties.functionAppConfig.runtime.name").Constant());
        Assert.Equal("10.0", app.Evaluate("properties.functionAppConfig.runtime.version").Constant());
        Assert.Contains("api", app.Evaluate("tags").SelectMany(tags => ArmEvaluator.Path([tags], "azd-service-name")).Texts());
    }

    [Fact]
    public void FunctionApp_KeepsDurableGroupAlwaysReady()
    {
        var app = compiled.Single("Microsoft.Web/sites");

        var alwaysReady = app.Evaluate("properties.functionAppConfig.scaleAndConcurrency.alwaysReady");
        var groups = alwaysReady.Elements();
        var durable = groups.Where(group => ArmEvaluator.Path([group], "name").Constant() == "durable").ToList();

        Assert.Single(durable);
        Assert.Equal("1", ArmEvaluator.Path(durable, "instanceCount").Constant());
    }

    [Fact]
    public void FunctionApp_DeploysFromTheDeploymentContainerWithItsIdentity()
    {
        var app = compiled.Single("Microsoft.Web/sites");

        Assert.Equal("UserAssigned", app.Evaluate("identity.type").Constant());
        Assert.Equal("UserAssignedIdentity", app.Evaluate("properties.functionAppConfig.deployment.storage.authentication.type").Constant());
        Assert.All(app.Evaluate("properties.functionAppConfig.deployment.storage.value").Texts(),
            url => Assert.EndsWith("deployments", url, StringComparison.Ordinal));
    }

    [Fact]
    public void StateStorage_DeclaresEveryTableContainerAndQueue()
    {
        var tables = compiled.OfType("Microsoft.Storage/storageAccounts/tableServices/tables").SelectMany(t => t.LeafNames()).ToHashSet();
        var containers = compiled.OfType("Microsoft.Storage/storageAccounts/blobServices/containers").SelectMany(c => c.LeafNames()).ToHashSet();
        var queues = compiled.OfType("Microsoft.Storage/storageAccounts/queueServices/queues").SelectMany(q => q.LeafNames()).ToHashSet();

        Assert.Superset(new HashSet<string> { "Templates", "Workspaces", "WorkspaceAgents", "WorkspaceIndex", "WorkspaceEvents", "Operations", "Snapshots", "AgentTokens", "AgentSeqs", "ApiTokens", "Audit" }, tables);
        Assert.Superset(new HashSet<string> { "snapshots", "snapshot-chunks", "templates", "deployments" }, containers);
        Assert.Contains("coder-events", queues);
        Assert.Contains("workspace-signals", queues);
    }

    [Fact]
    public void AgentEventsQueue_DetectsDuplicatesAndDeadLettersExpiredMessages()
    {
        var serviceBus = compiled.Single("Microsoft.ServiceBus/namespaces");
        var queue = compiled.Single("Microsoft.ServiceBus/namespaces/queues");

        Assert.Equal("Standard", serviceBus.Evaluate("sku.name").Constant());
        Assert.Equal("True", serviceBus.Evaluate("properties.disableLocalAuth").Constant());
        Assert.Equal(["agent-events"], queue.LeafNames().Distinct());
        Assert.Equal("True", queue.Evaluate("properties.requiresDuplicateDetection").Constant());
        Assert.Equal("True", queue.Evaluate("properties.deadLetteringOnMessageExpiration").Constant());
        Assert.Equal("10", queue.Evaluate("properties.maxDeliveryCount").Constant());
    }

    [Fact]
    public void LifecycleTopic_AcceptsCloudEventsWithIdentityOnly()
    {
        var topic = compiled.Single("Microsoft.EventGrid/topics");

        Assert.Equal("CloudEventSchemaV1_0", topic.Evaluate("properties.inputSchema").Constant());
        Assert.Equal("True", topic.Evaluate("properties.disableLocalAuth").Constant());
    }

    [Fact]
    public void WorkspaceGroupSystemTopic_SendsWriteAndDeleteEventsToTheKeyedWebhook()
    {
        var topics = compiled.OfType("Microsoft.EventGrid/systemTopics");
        var groupTopic = Assert.Single(topics, t => t.Evaluate("properties.topicType").Constant() == "Microsoft.Resources.ResourceGroups");
        var subscription = Assert.Single(compiled.OfType("Microsoft.EventGrid/systemTopics/eventSubscriptions"), s => s.Scope == groupTopic.Scope);

        Assert.Equal("global", groupTopic.Evaluate("location").Constant());
        Assert.Equal("WebHook", subscription.Evaluate("properties.destination.endpointType").Constant());
        Assert.All(subscription.Evaluate("properties.destination.properties.endpointUrl").Texts(), url =>
        {
            Assert.StartsWith("https://", url, StringComparison.Ordinal);
            Assert.Contains("/api/eventgrid?key=", url, StringComparison.Ordinal);
        });
        var eventTypes = subscription.Evaluate("properties.filter.includedEventTypes").Elements().Texts();
        Assert.Equal(["Microsoft.Resources.ResourceDeleteSuccess", "Microsoft.Resources.ResourceWriteSuccess"], eventTypes.Order());
    }

    [Fact]
    public void WebhookSubscriptions_AreOffUntilTheAppIsLive()
    {
        // Event Grid validates a webhook when the subscription is created, so the first `azd up` must not create it.
        var subscriptions = compiled.OfType("Microsoft.EventGrid/systemTopics/eventSubscriptions");

        Assert.NotEmpty(subscriptions);
        Assert.All(subscriptions, s => Assert.Equal("False", s.Evaluate("condition").Constant()));
    }

    [Fact]
    public void KeyVault_AndTheRelay_AreAlwaysDeployed_TheRelayKeysLiveInTheVault()
    {
        Assert.Single(compiled.OfType("Microsoft.Resources/deployments"), d => d.Path == "keyVault" && d.Body["condition"] is null);
        Assert.Single(compiled.OfType("Microsoft.Resources/deployments"), d => d.Path == "relay" && d.Body["condition"] is null);
        Assert.Equal(["coder-relay-key", "coder-relay-send-key"], compiled.OfType("Microsoft.KeyVault/vaults/secrets").SelectMany(s => s.LeafNames()).Where(n => n.StartsWith("coder-relay", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.All(compiled.OfType("Microsoft.KeyVault/vaults"), v => Assert.Equal("True", v.Evaluate("properties.enableRbacAuthorization").Constant()));
    }

    [Fact]
    public void UsersSecrets_HaveAVaultOfTheirOwn_WhereOnlyTheAppIsSecretsOfficer()
    {
        // Two vaults: the app reads the relay and webhook keys (Secrets User) and writes only users' secrets (Secrets Officer).
        Assert.Equal(["keyVault/vault", "userSecretsVault/vault"], compiled.OfType("Microsoft.KeyVault/vaults").Select(v => v.Path).Order(StringComparer.Ordinal));
        Assert.Single(compiled.OfType("Microsoft.Resources/deployments"), d => d.Path == "userSecretsVault" && d.Body["condition"] is null);
        var findings = Roles.RoleAssignmentAudit.Audit(compiled.Template);
        string[] RolesAt(string module) => findings.Where(f => f.Assignment.StartsWith(module + "/", StringComparison.Ordinal)).SelectMany(f => f.Roles).Select(r => r.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["Key Vault Secrets Officer"], RolesAt("userSecretsVault"));
        Assert.DoesNotContain("Key Vault Secrets Officer", RolesAt("keyVault"));
    }
}
