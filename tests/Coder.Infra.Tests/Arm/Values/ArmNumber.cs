using System.Globalization;

namespace Coder.Infra.Tests.Arm.Values;

public sealed record ArmNumber(long Value) : ArmValue
{
    public override string Render() => Value.ToString(CultureInfo.InvariantCulture);
}
