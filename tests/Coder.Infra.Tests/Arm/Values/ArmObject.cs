namespace Coder.Infra.Tests.Arm.Values;

/// <summary>An object whose members are evaluated on demand (ARM property names are case-insensitive).</summary>
public sealed record ArmObject(IReadOnlyDictionary<string, Lazy<IReadOnlyList<ArmValue>>> Members) : ArmValue
{
    public override string Render() => "{?}";

    public IReadOnlyList<ArmValue> Member(string name) =>
        Members.TryGetValue(name, out var member) ? member.Value : [new ArmUnknown($"no member '{name}'")];
}
