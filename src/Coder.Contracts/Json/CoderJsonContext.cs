using System.Text.Json;
using System.Text.Json.Serialization;
using Coder.Contracts.Agents;
using Coder.Contracts.Auth;
using Coder.Contracts.Connect;
using Coder.Contracts.Errors;
using Coder.Contracts.Operations;
using Coder.Contracts.Platform;
using Coder.Contracts.Quotas;
using Coder.Contracts.Secrets;
using Coder.Contracts.Snapshots;
using Coder.Contracts.Templates;
using Coder.Contracts.Upgrades;
using Coder.Contracts.Workspaces;

namespace Coder.Contracts.Json;

/// <summary>
/// Source-generated JSON metadata for every wire type, so the agent and the CLI stay Native AOT friendly.
/// camelCase, nulls omitted. Servers add strictness (unknown fields rejected) on top; see <see cref="CoderJson"/>.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TemplateSpec))]
[JsonSerializable(typeof(TemplateCreated))]
[JsonSerializable(typeof(TemplateVersionCreated))]
[JsonSerializable(typeof(ItemsPage<TemplateSummary>))]
[JsonSerializable(typeof(TemplateDetails))]
[JsonSerializable(typeof(CreateWorkspaceRequest))]
[JsonSerializable(typeof(WorkspaceSchedule))]
[JsonSerializable(typeof(QuotaLimits))]
[JsonSerializable(typeof(QuotaResponse))]
[JsonSerializable(typeof(WorkspaceAccepted))]
[JsonSerializable(typeof(UpdateWorkspaceRequest))]
[JsonSerializable(typeof(WorkspaceResponse))]
[JsonSerializable(typeof(ItemsPage<WorkspaceResponse>))]
[JsonSerializable(typeof(ItemsPage<WorkspaceEventView>))]
[JsonSerializable(typeof(WorkspaceMetricsSeries))]
[JsonSerializable(typeof(OperationResponse))]
[JsonSerializable(typeof(CancelOperationRequest))]
[JsonSerializable(typeof(OperationAccepted))]
[JsonSerializable(typeof(AgentEnvelope))]
[JsonSerializable(typeof(AgentEventsBatch))]
[JsonSerializable(typeof(AgentEventsAccepted))]
[JsonSerializable(typeof(AgentManifest))]
[JsonSerializable(typeof(LifecyclePayload))]
[JsonSerializable(typeof(HeartbeatPayload))]
[JsonSerializable(typeof(MetricsPayload))]
[JsonSerializable(typeof(LogPayload))]
[JsonSerializable(typeof(ScriptPayload))]
[JsonSerializable(typeof(SessionPayload))]
[JsonSerializable(typeof(CustomPayload))]
[JsonSerializable(typeof(DrainPayload))]
[JsonSerializable(typeof(ApiProblem))]
[JsonSerializable(typeof(CreateTokenRequest))]
[JsonSerializable(typeof(TokenCreated))]
[JsonSerializable(typeof(CreateSessionRequest))]
[JsonSerializable(typeof(SessionInfo))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(UpgradeWorkspaceRequest))]
[JsonSerializable(typeof(CreateRolloutRequest))]
[JsonSerializable(typeof(RolloutAccepted))]
[JsonSerializable(typeof(RolloutResponse))]
[JsonSerializable(typeof(CreateSnapshotRequest))]
[JsonSerializable(typeof(RestoreWorkspaceRequest))]
[JsonSerializable(typeof(SnapshotAccepted))]
[JsonSerializable(typeof(ItemsPage<SnapshotView>))]
[JsonSerializable(typeof(ConnectRequest))]
[JsonSerializable(typeof(ConnectResponse))]
[JsonSerializable(typeof(RelayTokenRequest))]
[JsonSerializable(typeof(RelayTokenResponse))]
[JsonSerializable(typeof(AuthorizedKeysResponse))]
[JsonSerializable(typeof(SshKeyRequest))]
[JsonSerializable(typeof(SshKeyView))]
[JsonSerializable(typeof(SecretValueRequest))]
[JsonSerializable(typeof(SecretView))]
[JsonSerializable(typeof(ItemsPage<SecretView>))]
[JsonSerializable(typeof(DotfilesRequest))]
[JsonSerializable(typeof(DotfilesView))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class CoderJsonContext : JsonSerializerContext;
