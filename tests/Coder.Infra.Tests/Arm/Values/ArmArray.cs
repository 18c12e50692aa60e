namespace Coder.Infra.Tests.Arm.Values;

/// <summary>An array whose items are evaluated on demand.</summary>
public sealed record ArmArray(IReadOnlyList<Lazy<IReadOnlyList<ArmValue>>> Items) : ArmValue
{
    public override string Render() => "{?}";
}
