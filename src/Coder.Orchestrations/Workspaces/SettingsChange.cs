using Coder.Contracts.Templates;
using Coder.Contracts.Workspaces;

namespace Coder.Orchestrations.Workspaces;

/// <summary>A PATCH's settings (parameters, schedule) with what deciding them needs: the template version, the time, who asks.</summary>
public sealed record SettingsChange(UpdateWorkspaceRequest Request, TemplateSpec Spec, DateTimeOffset Now, string Actor);
