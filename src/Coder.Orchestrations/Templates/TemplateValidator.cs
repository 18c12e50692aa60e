using Coder.Contracts.Templates;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Provisioning;
using Coder.Orchestrations.Secrets;

namespace Coder.Orchestrations.Templates;

/// <summary>Checks a template spec field by field; every problem is reported with its JSON path.</summary>
public static class TemplateValidator
{
    public static readonly string[] Provisioners = ["local", "aci", "vm"];

    public static void Validate(TemplateSpec spec, bool requireName)
    {
        var errors = new ValidationErrors();
        if (requireName)
        {
            if (spec.Name is null) errors.Add("name", "Required.");
            else if (!Names.ResourceName().IsMatch(spec.Name)) errors.Add("name", Names.ResourceNameRule);
        }
        else if (spec.Name is not null)
        {
            errors.Add("name", "Not allowed here: the template name comes from the route.");
        }

        if (spec.Description is { Length: > 1024 }) errors.Add("description", "At most 1024 characters.");
        if (spec.Provisioner is null) errors.Add("provisioner", "Required: one of local, aci, vm.");
        else if (!Provisioners.Contains(spec.Provisioner)) errors.Add("provisioner", "Must be one of local, aci, vm.");
        if (spec.Provisioner is "aci" or "vm" && string.IsNullOrWhiteSpace(spec.Image)) errors.Add("image", $"Required for the {spec.Provisioner} provisioner.");
        if (spec.Image is { Length: > 512 }) errors.Add("image", "At most 512 characters.");

        ValidateResources(spec, errors);
        ValidateScripts(spec.StartupScripts, "startupScripts", errors);
        ValidateScripts(spec.ShutdownScripts, "shutdownScripts", errors);
        ValidateEnv(spec.Env, errors);
        ValidateRepositories(spec.Repositories, errors);
        ValidateAutoscale(spec.Autoscale, errors);
        Parameters.ParameterValidator.ValidateDeclarations(spec.Parameters, errors);
        ValidatePolicies(spec, errors);
        PrebuildsValidator.Validate(spec, errors);
        if (spec.AllowedRoles?.FirstOrDefault(r => !Contracts.Auth.Roles.IsKnown(r)) is { } unknownRole)
            errors.Add("allowedRoles", $"Unknown role '{unknownRole}': admin, template-admin or member.");
        if (spec.Provisioner is { } name && ProvisionerCatalog.Capabilities.TryGetValue(name, out var capabilities)) ValidateCapabilities(spec, name, capabilities, errors);
        errors.ThrowIfAny();
    }

    static void ValidateResources(TemplateSpec spec, ValidationErrors errors)
    {
        if (spec.Resources is not { } r)
        {
            errors.Add("resources", "Required: { cpu, memoryMiB }.");
        }
        else
        {
            if (r.Cpu is not { } cpu) errors.Add("resources.cpu", "Required.");
            else if (!(cpu is >= 0.1 and <= 64)) errors.Add("resources.cpu", "Between 0.1 and 64.");
            if (r.MemoryMiB is not { } mem) errors.Add("resources.memoryMiB", "Required.");
            else if (mem is < 64 or > 1_048_576) errors.Add("resources.memoryMiB", "Between 64 and 1048576.");
            if (r.DiskGiB is < 1 or > 65_536) errors.Add("resources.diskGiB", "Between 1 and 65536.");
        }

        if (spec.Limits is not { } l)
        {
            errors.Add("limits", "Required: { maxCpu, maxMemoryMiB, maxReplicas }.");
            return;
        }

        if (l.MaxCpu is not { } maxCpu) errors.Add("limits.maxCpu", "Required.");
        else if (!(maxCpu is >= 0.1 and <= 64)) errors.Add("limits.maxCpu", "Between 0.1 and 64.");
        else if (spec.Resources?.Cpu is { } cpu && cpu > maxCpu) errors.Add("limits.maxCpu", "Must be at least resources.cpu.");
        if (l.MaxMemoryMiB is not { } maxMem) errors.Add("limits.maxMemoryMiB", "Required.");
        else if (maxMem is < 64 or > 1_048_576) errors.Add("limits.maxMemoryMiB", "Between 64 and 1048576.");
        else if (spec.Resources?.MemoryMiB is { } mem && mem > maxMem) errors.Add("limits.maxMemoryMiB", "Must be at least resources.memoryMiB.");
        if (l.MaxReplicas is not { } maxReplicas) errors.Add("limits.maxReplicas", "Required.");
        else if (maxReplicas is < 1 or > 20) errors.Add("limits.maxReplicas", "Between 1 and 20.");
    }

    /// <summary>What the template asks of its provisioner that the provisioner cannot do (upgrade strategies are asked per request, not here).</summary>
    static void ValidateCapabilities(TemplateSpec spec, string provisioner, ProvisionerCapabilities capabilities, ValidationErrors errors)
    {
        if (spec.Limits?.MaxReplicas is { } maxReplicas && maxReplicas > capabilities.MaxReplicas)
            errors.Add("limits.maxReplicas", $"The {provisioner} provisioner runs at most {capabilities.MaxReplicas} replica(s) per workspace.");
        if (spec.Snapshots is not null && !capabilities.Snapshots)
            errors.Add("snapshots", $"The {provisioner} provisioner cannot take snapshots.");
    }

    static void ValidateScripts(IReadOnlyList<StartupScript>? scripts, string field, ValidationErrors errors)
    {
        if (scripts is null) return;
        if (scripts.Count > 32) errors.Add(field, "At most 32 scripts.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < scripts.Count; i++)
        {
            var s = scripts[i];
            string at = $"{field}[{i}]";
            if (s is null) { errors.Add(at, "Must be an object."); continue; }
            if (s.Name is null) errors.Add($"{at}.name", "Required.");
            else if (!Names.ScriptName().IsMatch(s.Name)) errors.Add($"{at}.name", "Letters, digits, '.', '_' or '-' (at most 64), starting with a letter or digit.");
            else if (!seen.Add(s.Name)) errors.Add($"{at}.name", "Script names must be unique.");
            if (string.IsNullOrWhiteSpace(s.Script)) errors.Add($"{at}.script", "Required.");
            else if (s.Script.Length > 65_536) errors.Add($"{at}.script", "At most 65536 characters.");
            if (s.TimeoutSeconds is < 1 or > 3600) errors.Add($"{at}.timeoutSeconds", "Between 1 and 3600.");
        }
    }

    static void ValidateEnv(IReadOnlyDictionary<string, string>? env, ValidationErrors errors)
    {
        if (env is null) return;
        if (env.Count > 256) errors.Add("env", "At most 256 variables.");
        foreach (var (key, value) in env)
        {
            if (!Names.EnvName().IsMatch(key)) errors.Add($"env.{key}", "Variable names are letters, digits and '_', not starting with a digit.");
            else if (key.StartsWith("CODER_", StringComparison.Ordinal)) errors.Add($"env.{key}", "The CODER_ prefix is reserved.");
            if (value is null) errors.Add($"env.{key}", "Must be a string.");
            else if (value.Length > 32_768) errors.Add($"env.{key}", "At most 32768 characters.");
        }
    }

    static void ValidateRepositories(IReadOnlyList<TemplateRepository>? repositories, ValidationErrors errors)
    {
        if (repositories is null) return;
        if (repositories.Count > 32) errors.Add("repositories", "At most 32 repositories.");
        var paths = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < repositories.Count; i++)
        {
            var r = repositories[i];
            string at = $"repositories[{i}]";
            if (r is null) { errors.Add(at, "Must be an object."); continue; }
            if (!RepositoryUrls.IsValid(r.Url)) errors.Add($"{at}.url", RepositoryUrls.Rule);
            string? path = r.Path ?? (RepositoryUrls.IsValid(r.Url) ? RepositoryUrls.DefaultPath(r.Url!) : null);
            if (path is not null && !Names.IsSafeRelativePath(path))
                errors.Add($"{at}.path", r.Path is null ? "The URL names no folder to clone into: set path." : "A relative path inside the workspace (no '..', not absolute).");
            else if (path is not null && !paths.Add(path)) errors.Add($"{at}.path", "Two repositories cannot share a path.");
            if (r.Ref is { } gitRef && !IsSafeRef(gitRef)) errors.Add($"{at}.ref", "A branch, tag or commit: letters, digits, '.', '_', '-' and '/', not starting with '-' (at most 255).");
            if (r.Depth is < 1 or > 1_000_000) errors.Add($"{at}.depth", "Between 1 and 1000000.");
            if (r.CredentialSecret is { } secret && !SecretNames.IsValid(secret)) errors.Add($"{at}.credentialSecret", SecretNames.Rule);
        }
    }

    static bool IsSafeRef(string gitRef) =>
        gitRef.Length is > 0 and <= 255 && gitRef[0] != '-' && !gitRef.Contains("..", StringComparison.Ordinal)
        && gitRef.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '/');

    static void ValidateAutoscale(AutoscaleSpec? a, ValidationErrors errors)
    {
        if (a is null) return;
        if (AutoscaleEnabled.Parse(a.Enabled) is null) errors.Add("autoscale.enabled", "true, false or \"dry-run\".");

        if (a.MinCpu is { } minCpu && a.MaxCpu is { } maxCpu && minCpu > maxCpu) errors.Add("autoscale.minCpu", "Must not exceed maxCpu.");
        if (a.MinMemoryMiB is { } minMem && a.MaxMemoryMiB is { } maxMem && minMem > maxMem) errors.Add("autoscale.minMemoryMiB", "Must not exceed maxMemoryMiB.");
        if (a.TargetCpuPercent is <= 0 or > 100) errors.Add("autoscale.targetCpuPercent", "Between 0 and 100.");
        if (a.TargetMemoryPercent is <= 0 or > 100) errors.Add("autoscale.targetMemoryPercent", "Between 0 and 100.");
        if (a.ScaleUpAfterSeconds is < 0 or > 86_400) errors.Add("autoscale.scaleUpAfterSeconds", "Between 0 and 86400.");
        if (a.ScaleDownAfterSeconds is < 0 or > 86_400) errors.Add("autoscale.scaleDownAfterSeconds", "Between 0 and 86400.");
        if (a.CooldownSeconds is < 0 or > 86_400) errors.Add("autoscale.cooldownSeconds", "Between 0 and 86400.");
        if (a.MinReplicas is < 1) errors.Add("autoscale.minReplicas", "At least 1.");
        if (a.MaxReplicas is < 1) errors.Add("autoscale.maxReplicas", "At least 1.");
        if (a.MinReplicas is { } minReplicas && a.MaxReplicas is { } maxReplicas && minReplicas > maxReplicas) errors.Add("autoscale.minReplicas", "Must not exceed maxReplicas.");
        if (a.TargetSessionsPerReplica is < 1) errors.Add("autoscale.targetSessionsPerReplica", "At least 1.");
    }

    static void ValidatePolicies(TemplateSpec spec, ValidationErrors errors)
    {
        if (spec.Snapshots is { } s)
        {
            if (s.IntervalMinutes is < 1 or > 525_600) errors.Add("snapshots.intervalMinutes", "Between 1 and 525600.");
            if (s.KeepLast is < 1 or > 1000) errors.Add("snapshots.keepLast", "Between 1 and 1000.");
            if (s.KeepDays is < 1 or > 3650) errors.Add("snapshots.keepDays", "Between 1 and 3650.");
        }

        if (spec.Idle is { StopAfterMinutes: < 1 or > 525_600 }) errors.Add("idle.stopAfterMinutes", "Between 1 and 525600.");
        Schedules.ScheduleRules.ValidateTemplate(spec.Schedule, errors);
        if (spec.Agent is { } agent)
        {
            if (agent.HeartbeatSeconds is < 1 or > 300) errors.Add("agent.heartbeatSeconds", "Between 1 and 300.");
            if (agent.MetricsSeconds is < 1 or > 3600) errors.Add("agent.metricsSeconds", "Between 1 and 3600.");
            if (agent.ReadyTimeoutSeconds is < 5 or > 3600) errors.Add("agent.readyTimeoutSeconds", "Between 5 and 3600.");
            if (agent.ConnectTimeoutSeconds is < 5 or > 3600) errors.Add("agent.connectTimeoutSeconds", "Between 5 and 3600.");
            if (agent.Plugins is { } plugins)
            {
                for (int i = 0; i < plugins.Count; i++)
                {
                    var p = plugins[i];
                    if (p is null || !Names.ScriptName().IsMatch(p.Name ?? "")) errors.Add($"agent.plugins[{i}].name", "Letters, digits, '.', '_' or '-'.");
                    if (p is not null && (p.Command is null || !Names.IsSafeRelativePath(p.Command))) errors.Add($"agent.plugins[{i}].command", "A relative path inside the plugins folder.");
                    if (p is { IntervalSeconds: < 1 or > 86_400 }) errors.Add($"agent.plugins[{i}].intervalSeconds", "Between 1 and 86400.");
                    if (p is { TimeoutSeconds: < 1 or > 3600 }) errors.Add($"agent.plugins[{i}].timeoutSeconds", "Between 1 and 3600.");
                }
            }
        }
    }
}
