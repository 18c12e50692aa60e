using Coder.Orchestrations.Common;

namespace Coder.Orchestrations.Provisioning;

/// <summary>Finds the provisioner a template names. A template that names an unconfigured one fails clearly.</summary>
public sealed class ProvisionerRegistry(IEnumerable<IWorkspaceProvisioner> provisioners)
{
    readonly Dictionary<string, IWorkspaceProvisioner> _byName = provisioners.ToDictionary(p => p.Name, StringComparer.Ordinal);

    public IReadOnlyCollection<IWorkspaceProvisioner> All => _byName.Values;

    public bool IsAvailable(string name) => _byName.ContainsKey(name);

    public IWorkspaceProvisioner Get(string name) =>
        _byName.TryGetValue(name, out var p)
            ? p
            : throw new CoderProblemException(400, "Provisioner not available.",
                $"The '{name}' provisioner is not configured on this control plane (available: {string.Join(", ", _byName.Keys.Order())}). " +
                (name is "aci" or "vm" ? "Set the Coder:Azure settings (subscription, resource group, location) to enable it." : ""));
}
