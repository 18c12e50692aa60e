namespace Coder.Infra.Tests.Arm.Values;

public sealed record ArmText(string Value) : ArmValue
{
    public override string Render() => Value;
}
