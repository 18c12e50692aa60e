using System.Text.Json;
using System.Text.Json.Serialization;
using Coder.Agent.Lifecycle;

namespace Coder.Agent.Outbox;

/// <summary>Source-generated JSON for the agent's own state files (wire types use <c>CoderJsonContext</c>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(OutboxCheckpoint))]
[JsonSerializable(typeof(LifecycleCheckpoint))]
public sealed partial class AgentJsonContext : JsonSerializerContext;
