using System.Text.Json;
using Coder.Contracts.Templates;
using Coder.Orchestrations.Security;

namespace Coder.Orchestrations.Prebuilds;

/// <summary>A create, validated, as a claim sees it: the caller, the name, the version's spec and the resolved size and parameters.</summary>
public sealed record PrebuildClaimRequest(
    CallerIdentity Caller, string Name, string Template, int Version, TemplateSpec Spec, double Cpu, int MemoryMiB, int Replicas,
    IReadOnlyDictionary<string, JsonElement> Parameters);
