namespace Coder.Infra.Tests.Arm.Expressions;

public sealed record ArmPropertyAccess(ArmExpression Target, string Property) : ArmExpression;
