using System.Text.Json;
using Coder.Contracts.Templates;
using Coder.Orchestrations.Common;
using Coder.Orchestrations.Templates.Parameters;

namespace Coder.Orchestrations.Tests.Templates;

/// <summary>The parameter rules the end-to-end tests do not reach one by one: declarations, types, lists, carry-over.</summary>
public sealed class ParameterValidatorTests
{
    static readonly TemplateParameter Region = new() { Name = "region", Type = "string", Options = [Json("\"eu\""), Json("\"us\"")], Default = Json("\"eu\""), Mutable = false };
    static readonly TemplateParameter Disk = new() { Name = "disk-gib", Type = "number", Validation = new(Min: 10, Max: 100, Monotonic: "increasing"), Mutable = true };
    static readonly TemplateParameter Tools = new() { Name = "tools", Type = "list(string)", Default = Json("[]"), Mutable = true };
    static readonly TemplateParameter Debug = new() { Name = "debug", Type = "bool", Required = false, Mutable = true };

    [Fact]
    public void Declarations_ThatDoNotFitTheirTypeOrEachOther_AreRefusedByPath()
    {
        var errors = Errors(e => ParameterValidator.ValidateDeclarations(
        [
            Region with { Default = Json("\"mars\"") },
            new TemplateParameter { Name = "disk_gib", Type = "number", Mutable = true },
            Disk,
            new TemplateParameter { Name = "flag", Type = "bool", Options = [Json("true")], Mutable = true },
            new TemplateParameter { Name = "name", Type = "string", Validation = new(Regex: "(unclosed"), Mutable = true },
            new TemplateParameter { Name = "9lives", Type = "text", Default = Json("1"), Required = true },
        ], e));

        Assert.Contains("one of the options", Assert.Single(errors["parameters[0].default"]));
        Assert.Contains("CODER_PARAM_DISK_GIB", Assert.Single(errors["parameters[2].name"]));
        Assert.Contains("Only string and number", Assert.Single(errors["parameters[3].options"]));
        Assert.Contains("Not a valid regular expression", Assert.Single(errors["parameters[4].validation.regex"]));
        Assert.NotNull(errors["parameters[5].name"]);
        Assert.NotNull(errors["parameters[5].type"]);
        Assert.NotNull(errors["parameters[5].mutable"]);
        Assert.False(errors.ContainsKey("parameters[1].name"));
    }

    [Fact]
    public void Resolve_FillsDefaults_AndChecksListsAndBools()
    {
        var ok = new ValidationErrors();
        var values = ParameterValidator.Resolve([Region, Disk, Tools, Debug], Values("""{"disk-gib": 20, "tools": ["git", "make"]}"""), ok);
        Assert.False(ok.Any);
        Assert.Equal("eu", values["region"].GetString());
        Assert.Equal("[\"git\",\"make\"]", ParameterValues.Text(values["tools"]));
        Assert.False(values.ContainsKey("debug"));

        var errors = Errors(e => ParameterValidator.Resolve([Region, Disk, Tools, Debug], Values("""{"disk-gib": 5, "tools": "git", "debug": "yes"}"""), e));
        Assert.Contains("At least 10", Assert.Single(errors["parameters.disk-gib"]));
        Assert.Contains("list of at most 64 strings", Assert.Single(errors["parameters.tools"]));
        Assert.Contains("true or false", Assert.Single(errors["parameters.debug"]));
    }

    [Fact]
    public void Change_LetsAMonotonicNumberOnlyGrow_AndAcceptsAnImmutableOneAtItsValue()
    {
        var current = Values("""{"region": "us", "disk-gib": 20}""");
        var ok = new ValidationErrors();
        var changed = ParameterValidator.Change([Region, Disk], current, Values("""{"region": "us", "disk-gib": 30.0}"""), ok);
        Assert.False(ok.Any);
        Assert.Equal(30, changed["disk-gib"].GetDouble());

        var errors = Errors(e => ParameterValidator.Change([Region, Disk], current, Values("""{"region": "eu", "disk-gib": 15}"""), e));
        Assert.Contains("Immutable", Assert.Single(errors["parameters.region"]));
        Assert.Contains("Monotonic (increasing): the current value is 20", Assert.Single(errors["parameters.disk-gib"]));
    }

    [Fact]
    public void CarryOver_KeepsDroppedValues_DefaultsNewOnes_AndNamesANewRequiredOneAndACarriedValueTheNewRulesRefuse()
    {
        var current = Values("""{"region": "us", "disk-gib": 20}""");
        var team = new TemplateParameter { Name = "team", Type = "string", Mutable = false };
        var errors = Errors(e => ParameterValidator.CarryOver([Region with { Options = [Json("\"eu\"")] }, team, Tools], 3, current, null, e));
        Assert.Contains("new in v3", Assert.Single(errors["parameters.team"]));
        Assert.Contains("breaks v3's rule", Assert.Single(errors["parameters.region"]));

        var ok = new ValidationErrors();
        var carried = ParameterValidator.CarryOver([Region, team, Tools], 3, current, Values("""{"team": "core"}"""), ok);
        Assert.False(ok.Any);
        Assert.Equal(["disk-gib", "region", "team", "tools"], carried.Keys.Order(StringComparer.Ordinal));
    }

    static Dictionary<string, string[]> Errors(Action<ValidationErrors> validate)
    {
        var errors = new ValidationErrors();
        validate(errors);
        var thrown = Assert.Throws<CoderProblemException>(errors.ThrowIfAny);
        Assert.Equal(400, thrown.Status);
        return thrown.Errors!.ToDictionary(e => e.Key, e => e.Value);
    }

    static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    static Dictionary<string, JsonElement> Values(string json) => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;
}
