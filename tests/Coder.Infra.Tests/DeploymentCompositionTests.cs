using System.Collections;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.Versioning;
using Azure.Core;
using Azure.Identity;
using Coder.Agent.Configuration;
using Coder.Functions.DependencyInjection;
using Coder.Infra.Tests.Bicep;
using Coder.Infra.Tests.Deployment;
using Coder.Orchestrations.Agents;
using Coder.Orchestrations.Agents.ServiceBus;
using Coder.Orchestrations.Connect;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Provisioning.AgentDelivery;
using Coder.Orchestrations.Provisioning.Azure;
using Coder.Orchestrations.Provisioning.ContainerInstances;
using Coder.Orchestrations.Secrets;
using Coder.Orchestrations.Security;
using Coder.Orchestrations.State;
using Coder.Orchestrations.Telemetry;
using Coder.Relay.Protocol;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using Xunit;

namespace Coder.Infra.Tests;

/// <summary>
/// The Azure deployment assembled: main.bicep compiled by the real bicep, the function app's settings as deployed, the
/// Functions worker composed from them exactly as Program.cs composes it, and what that worker hands an ACI or VM agent.
/// </summary>
[Collection(CompiledMainTemplateCollection.Name)]
[SupportedOSPlatform("linux")] // the agent is linux-only, and so is the bicep binary the fixture runs
public sealed class DeploymentCompositionTests(CompiledMainTemplate compiled) : IDisposable
{
    readonly DeployedTemplate _deployed = new(compiled);
    IHost? _host;

    IReadOnlyDictionary<string, string> Settings => _deployed.AppSettings();

    IServiceProvider Worker => (_host ??= ComposedWorker.Build(Settings)).Services;

    [Fact]
    public void The_worker_starts_on_the_deployed_settings_every_function_class_and_hosted_service_resolves()
    {
        var functionClasses = typeof(CoderFunctionsApplication).Assembly.GetTypes()
            .Where(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static).Any(m => m.GetCustomAttribute<FunctionAttribute>() is not null))
            .ToList();
        Assert.True(functionClasses.Count >= 15, $"Found only {functionClasses.Count} [Function] classes.");

        var failures = new List<string>();
        foreach (var type in functionClasses.Where(type => !type.IsAbstract))
        {
            // As the worker's default function activator creates them.
            try { ActivatorUtilities.CreateInstance(Worker, type); }
            catch (Exception e) { failures.Add($"{type.Name}: {e.GetBaseException().Message}"); }
        }

        try { Assert.NotEmpty(Worker.GetServices<IHostedService>().ToList()); }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException) { failures.Add($"hosted services: {e.GetBaseException().Message}"); }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void The_worker_signs_in_to_Azure_as_the_apps_user_assigned_identity()
    {
        Assert.Equal("managedidentity", Settings["AzureWebJobsStorage__credential"]);
        Assert.IsType<ManagedIdentityCredential>(Worker.GetRequiredService<TokenCredential>());
        // Identity-based storage, as the Functions host itself connects.
        Assert.Null(Worker.GetRequiredService<IOptions<CoderStorageOptions>>().Value.ConnectionString);
        Assert.Equal(Settings["AzureWebJobsStorage__tableServiceUri"], Worker.GetRequiredService<IOptions<CoderStorageOptions>>().Value.TableServiceUri);
    }

    [Fact]
    public void Agents_are_told_a_public_https_control_plane_the_function_apps_default_host_name()
    {
        var env = AgentEnvironment();

        var url = new Uri(env["CODER_URL"]);
        Assert.Equal(Uri.UriSchemeHttps, url.Scheme);
        Assert.False(url.IsLoopback, $"{url} is loopback: no ACI or VM agent can reach it.");
        Assert.Equal(_deployed.Output("AZURE_FUNCTION_APP_URL"), url.GetLeftPart(UriPartial.Authority));
        Assert.Equal(DeploymentPlaceholders.FunctionAppHostName, url.Host);
    }

    [Fact]
    public void Agents_send_on_the_Service_Bus_queue_the_control_plane_drains()
    {
        var env = AgentEnvironment();
        var drain = Worker.GetRequiredService<IOptions<ServiceBusIngestOptions>>().Value;

        Assert.Equal("servicebus", env["CODER_AGENT_TRANSPORT"]);
        Assert.True(Worker.GetRequiredService<ServiceBusAgentEventSource>().IsConfigured, "The DrainServiceBusAgentEvents timer would drain nothing.");
        Assert.Equal(drain.FullyQualifiedNamespace, env["CODER_AGENT_SERVICEBUS_NAMESPACE"]);
        Assert.Equal(drain.QueueName, env["CODER_AGENT_SERVICEBUS_QUEUE"]);
        Assert.Equal(Settings["CODER_SERVICEBUS__fullyQualifiedNamespace"], drain.FullyQualifiedNamespace);

        // The agent itself reads the same names.
        var agent = AgentSettings.FromVariables(AgentVariables(env));
        Assert.Equal(AgentTransportKind.ServiceBus, agent.Transport);
        Assert.Equal(drain.FullyQualifiedNamespace, agent.ServiceBusNamespace);
        Assert.Equal(drain.QueueName, agent.ServiceBusQueue);
    }

    [Fact]
    public void Agents_sign_in_as_their_own_workspace_identity_which_the_provisioner_names_and_never_a_shared_one()
    {
        var env = AgentEnvironment();
        var azure = Worker.GetRequiredService<AzureClients>();

        // Nothing deployed names a shared workspace identity, so the bootstrap hands agents no client id of its own.
        Assert.DoesNotContain(Settings.Keys, key => key.StartsWith("CODER_AZURE_WORKSPACE_IDENTITY", StringComparison.Ordinal));
        Assert.False(env.ContainsKey(WorkspaceIdentity.ClientIdVariable), $"The bootstrap set {WorkspaceIdentity.ClientIdVariable}={env.GetValueOrDefault(WorkspaceIdentity.ClientIdVariable)}.");
        // The provisioners know the queue each workspace's identity gets send-only on.
        Assert.Equal(Settings["CODER_AZURE_AGENT_QUEUE_ID"], azure.Options.AgentQueueId);
        var spec = new WorkspaceResourceSpec(new WorkspaceRef("ws-composition", "alice"), "py", 1, "mcr.microsoft.com/devcontainers/base:ubuntu", 1, 2048, 16, 2, "b1", env);
        var grant = Assert.Single(WorkspaceGrant.ForAgentTransport(spec, azure.Options));
        Assert.Equal((Settings["CODER_AZURE_AGENT_QUEUE_ID"], WorkspaceGrant.ServiceBusDataSender), (grant.Scope.ToString(), grant.RoleDefinitionId));

        // What the aci provisioner writes, with the deployed options, for the identity it created for this workspace:
        // every replica's agent gets that identity's client id (the VM path: VirtualMachineContractTests).
        var identity = new WorkspaceIdentity(new WorkspaceIdentityGrants(azure, NullLogger.Instance).IdentityId("ws-composition"), "5b1c2d3e-0000-4000-8000-00000000c1d0", "5b1c2d3e-0000-4000-8000-00000000a1d0");
        var download = new AgentDownload(new Uri(AgentBinaryRoutes.UrlFor(env["CODER_URL"], AgentBinaryRoutes.LinuxX64)), new string('0', 64));
        var group = ContainerGroupSpec.Properties(spec, azure.Options, "home-ws-composition", identity, download);
        Assert.Equal("id-ws-composition", identity.Id.Name);
        Assert.All(group["containers"]!.AsArray(), container =>
        {
            var variables = new Hashtable();
            foreach (var variable in container!["properties"]!["environmentVariables"]!.AsArray())
                variables[(string)variable!["name"]!] = (string?)(variable["value"] ?? variable["secureValue"]);
            Assert.Equal(identity.ClientId, AgentSettings.FromVariables(variables).IdentityClientId);
        });
    }

    [Fact]
    public void Workspaces_get_the_agent_from_the_control_plane_not_from_an_image_or_release_this_repository_never_publishes()
    {
        var options = Worker.GetRequiredService<IOptions<AzureProvisioningOptions>>().Value;

        Assert.IsType<BlobAgentBinaryStore>(Worker.GetRequiredService<IAgentBinaryStore>());
        Assert.NotNull(Worker.GetRequiredService<AgentDownloads>());
        Assert.StartsWith("docker.io/curlimages/curl:", options.AgentInstallImage, StringComparison.Ordinal);
        Assert.Null(typeof(AzureProvisioningOptions).GetProperty("AgentImage"));
        Assert.Null(typeof(AzureProvisioningOptions).GetProperty("AgentDownloadUrl"));
    }

    [Fact]
    public void People_sign_in_through_App_Service_Authentication_and_the_deploying_principal_is_the_first_admin()
    {
        Assert.Equal("true", Settings["CODER_TRUST_EASYAUTH"]);
        Assert.True(Worker.GetRequiredService<IOptions<SecurityOptions>>().Value.TrustEasyAuth);
        Assert.Equal(DeployedTemplate.AzdEnvironment["AZURE_PRINCIPAL_ID"], Settings["CODER_ADMIN_PRINCIPAL_IDS"]);
        Assert.Equal(Settings["AZURE_CLIENT_ID"], Settings["OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID"]);
    }

    [Fact]
    public void The_worker_traces_with_the_Functions_worker_defaults_and_Coder_spans()
    {
        Assert.NotNull(Worker.GetService<TracerProvider>());

        Assert.True(HasListeners("Microsoft.Azure.Functions.Worker"), "UseFunctionsWorkerDefaults() did not add the worker's ActivitySource.");
        Assert.True(HasListeners(CoderTracing.SourceName));
        Assert.False(HasListeners("Coder.Tests.NotRegistered"));
    }

    [Fact]
    public void The_Functions_host_runs_in_OpenTelemetry_mode_so_its_spans_and_the_workers_share_one_trace()
    {
        // The file the Functions project links into its build output and deployment package.
        var hostJson = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.RepoRoot, "host.json")))!;

        Assert.Equal("OpenTelemetry", (string?)hostJson["telemetryMode"]);
        Assert.Equal("2.0", (string?)hostJson["version"]);
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "host.json")), "host.json is not copied with the Functions project's output.");
    }

    static bool HasListeners(string sourceName)
    {
        using var source = new ActivitySource(sourceName);
        return source.HasListeners();
    }

    IReadOnlyDictionary<string, string> AgentEnvironment() =>
        Worker.GetRequiredService<AgentBootstrap>().Environment("ws-composition", "b1", "cda_composition-token");

    /// <summary>What the provisioners add per replica (ContainerGroupSpec, VirtualMachineProvisioner).</summary>
    static Hashtable AgentVariables(IReadOnlyDictionary<string, string> env)
    {
        var variables = new Hashtable();
        foreach (var (name, value) in env) variables[name] = value;
        variables["CODER_AGENT_ID"] = "ws-composition-b1-r0";
        variables["CODER_WORKSPACE_DIR"] = Path.GetTempPath();
        return variables;
    }

    [Fact]
    public async Task The_relay_keys_reach_the_app_only_as_Key_Vault_references_and_the_deployed_settings_mint_per_path_tokens()
    {
        Assert.Matches(@"^wss://relay-[a-z0-9]+\.servicebus\.windows\.net$", Settings["CODER_RELAY_URL"]);
        Assert.Equal(("coder-control-plane", "coder-connect"), (Settings["CODER_RELAY_KEY_NAME"], Settings["CODER_RELAY_SEND_KEY_NAME"]));
        foreach (string key in (string[])["CODER_RELAY_KEY", "CODER_RELAY_SEND_KEY"])
            Assert.StartsWith("@Microsoft.KeyVault(SecretUri=", Settings[key], StringComparison.Ordinal);
        Assert.NotEmpty(Settings["CODER_RELAY_NAMESPACE_ID"]);

        // As App Service hands them to the worker once it has resolved the references with the app's identity.
        var resolved = Settings.ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
        resolved["CODER_RELAY_KEY"] = "resolved-listen-key";
        resolved["CODER_RELAY_SEND_KEY"] = "resolved-send-key";
        using var host = ComposedWorker.Build(resolved);
        var options = host.Services.GetRequiredService<IOptions<RelayConnectOptions>>();
        var endpoints = Assert.IsType<AzureRelayEndpoints>(host.Services.GetRequiredService<IRelayEndpoints>());
        Assert.Equal($"{Settings["CODER_RELAY_NAMESPACE_ID"]}/hybridConnections/ws-ws1-0", endpoints.HybridConnectionId("ws-ws1-0").ToString());
        Assert.Equal(Settings["CODER_RELAY_URL"], host.Services.GetRequiredService<RelayTokenService>().ManifestSettings("ws1")!.RelayUrl);

        // The composed options sign tokens the relay checks against the rules' keys: listen with the control plane's,
        // connect with the send-only one (the entity call is ARM's, covered by the Relay contract tests).
        var tokens = new RelayTokenService(options, new LocalRelayEndpoints(), TimeProvider.System);
        var listen = await tokens.MintAsync("ws1", 0, RelayRight.Listen, CancellationToken.None);
        var connect = await tokens.MintAsync("ws1", 0, RelayRight.Send, CancellationToken.None);
        Func<string, string?> keys = name => name switch { "coder-control-plane" => "resolved-listen-key", "coder-connect" => "resolved-send-key", _ => null };
        Assert.Equal(RelayTokenCheck.Valid, RelaySasToken.Validate(listen.Token, "ws-ws1-0", keys, TimeProvider.System));
        Assert.Equal("coder-connect", RelaySasToken.Parse(connect.Token)!.KeyName);
        Assert.Equal(RelayTokenCheck.Valid, RelaySasToken.Validate(connect.Token, "ws-ws1-0", keys, TimeProvider.System));
        Assert.Equal(RelayTokenCheck.WrongResource, RelaySasToken.Validate(connect.Token, "ws-ws2-0", keys, TimeProvider.System));
    }

    [Fact]
    public void Users_secrets_rest_in_their_own_Key_Vault_through_the_managed_identity_not_sealed_locally()
    {
        Assert.Matches(@"^https://kvu-[a-z0-9]+\.vault\.azure\.net/$", Settings["CODER_SECRETS_KEYVAULT_URI"]);
        Assert.IsType<KeyVaultSecretVault>(Worker.GetRequiredService<ISecretVault>());
    }

    public void Dispose() => _host?.Dispose();
}
