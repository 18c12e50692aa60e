namespace Coder.Infra.Tests.Arm.Values;

/// <summary>A value only known at deployment time (reference(), uniqueString(), a parameter without default...).</summary>
public sealed record ArmUnknown(string Reason) : ArmValue
{
    public override string Render() => "{?}";
}
