using System.Text.Json;
using Coder.Contracts.Templates;
using Coder.Orchestrations.Prebuilds;

namespace Coder.Orchestrations.Tests.Prebuilds;

/// <summary>The pool planner's decisions, and the preset key a create must match.</summary>
public sealed class PrebuildPlannerTests
{
    static readonly DateTimeOffset T0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    static readonly PoolTarget Pool = new("t", 3, "k", 2);

    static PoolMember Member(string id, string status = "running", int version = 3, string key = "k", bool busy = false, int minute = 0) =>
        new(id, "t", version, key, status, busy, T0.AddMinutes(minute));

    [Fact]
    public void AnEmptyPool_ProvisionsItsSize_AndSaysSoWithItsNumbers()
    {
        var plan = PrebuildPlanner.Plan([Pool], []);
        var provision = Assert.Single(plan.Provisions);
        Assert.Equal(2, provision.Count);
        Assert.Equal("pool for template t v3: 0 of 2 ready, 0 on the way; provisioning 2", provision.Message);
        Assert.Empty(plan.Retirements);
    }

    [Fact]
    public void MembersOnTheWay_Count_SoNothingMoreIsProvisioned()
    {
        var plan = PrebuildPlanner.Plan([Pool], [Member("a"), Member("b", "provisioning", busy: true)]);
        Assert.Empty(plan.Provisions);
        Assert.Empty(plan.Retirements);
    }

    [Fact]
    public void AFailedMember_IsRetiredAndReplaced()
    {
        var plan = PrebuildPlanner.Plan([Pool], [Member("a"), Member("b", "failed")]);
        Assert.Equal("b", Assert.Single(plan.Retirements).Id);
        Assert.Equal(PrebuildPlanner.FailedReason, plan.Retirements[0].Reason);
        Assert.Equal(1, Assert.Single(plan.Provisions).Count);
    }

    [Fact]
    public void ANewActiveVersion_RetiresTheOldMembers_AndProvisionsNewOnes()
    {
        var plan = PrebuildPlanner.Plan([Pool], [Member("old1", version: 2), Member("old2", version: 2, busy: true)]);
        var retired = Assert.Single(plan.Retirements);
        Assert.Equal("old1", retired.Id);
        Assert.Contains("v2 is replaced by v3", retired.Message, StringComparison.Ordinal);
        Assert.Equal(2, Assert.Single(plan.Provisions).Count);
    }

    [Fact]
    public void ATemplateWithoutAPool_RetiresItsMembers_AndASurplusRetiresTheNewestFirst()
    {
        var gone = PrebuildPlanner.Plan([], [Member("a")]);
        Assert.Contains("keeps no pool now", Assert.Single(gone.Retirements).Message, StringComparison.Ordinal);

        var surplus = PrebuildPlanner.Plan([Pool with { Instances = 1 }], [Member("a", minute: 1), Member("b", minute: 2)]);
        Assert.Equal("b", Assert.Single(surplus.Retirements).Id);
        Assert.Empty(surplus.Provisions);
    }

    [Fact]
    public void ThePresetKey_ComparesImmutableParametersOnly()
    {
        var spec = new TemplateSpec
        {
            Parameters =
            [
                new TemplateParameter { Name = "region", Type = "string", Default = Json("\"eu\""), Mutable = false },
                new TemplateParameter { Name = "theme", Type = "string", Default = Json("\"dark\""), Mutable = true },
            ],
            Prebuilds = new TemplatePrebuilds { Instances = 1 },
        };
        string preset = PrebuildPreset.Key(spec, PrebuildPreset.Values(spec));
        Assert.Equal(preset, PrebuildPreset.Key(spec, new Dictionary<string, JsonElement> { ["region"] = Json("\"eu\""), ["theme"] = Json("\"light\"") }));
        Assert.NotEqual(preset, PrebuildPreset.Key(spec, new Dictionary<string, JsonElement> { ["region"] = Json("\"us\""), ["theme"] = Json("\"dark\"") }));
    }

    static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
