using Coder.Contracts.Templates;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Templates.Parameters;

namespace Coder.Orchestrations.Prebuilds;

/// <summary>Checks a version's <c>prebuilds</c>: a bounded instance count and a preset its parameters accept.</summary>
public static class PrebuildValidator
{
    public static void Validate(TemplateSpec spec, ValidationErrors errors)
    {
        if (spec.Prebuilds is not { } prebuilds) return;
        if (prebuilds.Instances is not { } instances) errors.Add("prebuilds.instances", $"Required: how many ready workspaces the pool holds (0 to {PrebuildPool.MaxInstances}).");
        else if (instances is < 0 or > PrebuildPool.MaxInstances) errors.Add("prebuilds.instances", $"Between 0 and {PrebuildPool.MaxInstances}.");

        // The preset is resolved as a create's parameters would be; its errors are named under prebuilds.
        var preset = new ValidationErrors();
        ParameterValidator.Resolve(spec.Parameters, prebuilds.Parameters, preset);
        errors.AddAll(preset, field => "prebuilds." + field);
    }
}
