using System.Text.Json.Nodes;
using Coder.Infra.Tests.Arm;
using Xunit;

namespace Coder.Infra.Tests.Bicep;

/// <summary>Compiles infra/bicep/main.bicep once with the real bicep binary and shares the ARM JSON.</summary>
public sealed class CompiledMainTemplate : IAsyncLifetime
{
    private JsonObject? _template;
    private BicepRun? _build;

    public BicepRun Build => _build ?? throw new InvalidOperationException("Not built yet.");

    public JsonObject Template => _template ?? throw new InvalidOperationException(Build.Describe("bicep build main.bicep"));

    public IReadOnlyList<ArmResource> Resources { get; private set; } = [];

    public async Task InitializeAsync()
    {
        _build = await BicepCli.BuildToStdoutAsync(RepositoryPaths.MainBicep, CancellationToken.None);
        if (_build.ExitCode == 0 && JsonNode.Parse(_build.Stdout) is JsonObject template)
        {
            _template = template;
            Resources = ArmTemplateWalker.Resources(template);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public IReadOnlyList<ArmResource> OfType(string type) =>
        Resources.Where(resource => string.Equals(resource.Type, type, StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>The single resource of a type, failing with the paths found when there is not exactly one.</summary>
    public ArmResource Single(string type)
    {
        var found = OfType(type);
        return found.Count == 1
            ? found[0]
            : throw new Xunit.Sdk.XunitException($"Expected one {type}, found {found.Count}: {string.Join(", ", found.Select(r => r.Path))}");
    }
}
