namespace Coder.Infra.Tests.Arm.Values;

public sealed record ArmBool(bool Value) : ArmValue
{
    public override string Render() => Value ? "True" : "False";
}
