using Coder.Contracts.Templates;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Templates.Parameters;

namespace Coder.Orchestrations.Templates;

/// <summary>Checks a version's <c>prebuilds</c> (the warm pool, <c>Prebuilds/</c>): a bounded instance count and a preset its parameters accept.</summary>
public static class PrebuildsValidator
{
    public const int MaxInstances = 20;

    public static void Validate(TemplateSpec spec, ValidationErrors errors)
    {
        if (spec.Prebuilds is not { } prebuilds) return;
        if (prebuilds.Instances is not { } instances) errors.Add("prebuilds.instances", $"Required: how many ready workspaces the pool holds (0 to {MaxInstances}).");
        else if (instances is < 0 or > MaxInstances) errors.Add("prebuilds.instances", $"Between 0 and {MaxInstances}.");

        // The preset is resolved as a create's parameters would be; its errors are named under prebuilds.
        var preset = new ValidationErrors();
        ParameterValidator.Resolve(spec.Parameters, prebuilds.Parameters, preset);
        errors.AddAll(preset, field => "prebuilds." + field);
    }
}
