namespace Coder.Infra.Tests.Arm.Expressions;

public sealed record ArmIndexAccess(ArmExpression Target, ArmExpression Index) : ArmExpression;
