using Coder.Orchestrations.Provisioning.ContainerInstances;
using Coder.Orchestrations.Provisioning.Local;
using Coder.Orchestrations.Provisioning.VirtualMachines;

namespace Coder.Orchestrations.Provisioning;

/// <summary>
/// What each provisioner a template may name can do, whether or not it is configured on this control plane: a template is
/// checked against it when it is created, so a request the platform cannot serve is refused then, not at run time.
/// </summary>
public static class ProvisionerCatalog
{
    public static IReadOnlyDictionary<string, ProvisionerCapabilities> Capabilities { get; } = new Dictionary<string, ProvisionerCapabilities>(StringComparer.Ordinal)
    {
        ["local"] = LocalProcessProvisioner.Declared,
        ["aci"] = ContainerInstanceProvisioner.Declared,
        ["vm"] = VirtualMachineProvisioner.Declared,
    };
}
