using Coder.Contracts;
using Coder.Contracts.Templates;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Security;
using Coder.Orchestrations.State;

namespace Coder.Orchestrations.Templates;

/// <summary>The template routes' logic: validation, authorization and the store.</summary>
public sealed class TemplateService(TemplateStore store, WorkspaceStore workspaces)
{
    public async Task<TemplateCreated> CreateAsync(CallerIdentity caller, TemplateSpec spec, CancellationToken cancellationToken)
    {
        RequireTemplateAdmin(caller);
        TemplateValidator.Validate(spec, requireName: true);
        return await store.CreateAsync(spec, caller.User, cancellationToken);
    }

    public async Task<TemplateVersionCreated> AddVersionAsync(CallerIdentity caller, string name, TemplateSpec spec, CancellationToken cancellationToken)
    {
        RequireTemplateAdmin(caller);
        TemplateValidator.Validate(spec, requireName: false);
        return await store.AddVersionAsync(name, spec, caller.User, cancellationToken);
    }

    public Task<TemplateCreated> PromoteAsync(CallerIdentity caller, string name, string version, CancellationToken cancellationToken)
    {
        RequireTemplateAdmin(caller);
        if (!int.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int number))
            throw CoderProblemException.Validation("version", "A positive version number.");
        return store.PromoteAsync(name, number, cancellationToken);
    }

    public async Task<ItemsPage<TemplateSummary>> ListAsync(CancellationToken cancellationToken)
    {
        var pointers = await store.ListAsync(cancellationToken);
        return new ItemsPage<TemplateSummary>(pointers
            .OrderBy(p => p.PartitionKey, StringComparer.Ordinal)
            .Select(p => new TemplateSummary(p.PartitionKey, p.Description, p.Provisioner, p.ActiveVersion, p.LatestVersion, p.CreatedAt))
            .ToList());
    }

    public async Task<TemplateDetails> GetAsync(string name, CancellationToken cancellationToken)
    {
        var pointer = await store.GetPointerAsync(name, cancellationToken) ?? throw CoderProblemException.NotFound($"Template '{name}'");
        var versions = await store.ListVersionsAsync(name, cancellationToken);
        var active = versions.FirstOrDefault(v => v.Version == pointer.ActiveVersion) ?? throw CoderProblemException.NotFound($"Template '{name}'");
        return new TemplateDetails(
            name,
            pointer.ActiveVersion,
            Json.Deserialize<TemplateSpec>(active.Spec)!,
            versions.OrderBy(v => v.Version).Select(v => new TemplateVersionInfo(v.Version, v.CreatedAt, v.CreatedBy, v.Version == pointer.ActiveVersion)).ToList());
    }

    /// <summary>Deletes a template no workspace uses (409 naming some that do); 404 when there is none.</summary>
    public async Task DeleteAsync(CallerIdentity caller, string name, CancellationToken cancellationToken)
    {
        RequireTemplateAdmin(caller);
        if (!Names.ResourceName().IsMatch(name)) throw CoderProblemException.Validation("name", Names.ResourceNameRule);
        var users = await workspaces.UsingTemplateAsync(name, 5, cancellationToken);
        if (users.Count > 0)
            throw CoderProblemException.Conflict($"Template '{name}' is used by workspaces ({string.Join(", ", users)}{(users.Count == 5 ? ", ..." : "")}); delete them first.");
        if (!await store.DeleteAsync(name, cancellationToken)) throw CoderProblemException.NotFound($"Template '{name}'");
    }

    static void RequireTemplateAdmin(CallerIdentity caller)
    {
        if (!caller.CanManageTemplates) throw CoderProblemException.Forbidden("Managing templates needs the template-admin or admin role.");
    }
}
