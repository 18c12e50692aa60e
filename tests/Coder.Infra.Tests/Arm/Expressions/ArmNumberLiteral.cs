namespace Coder.Infra.Tests.Arm.Expressions;

public sealed record ArmNumberLiteral(long Value) : ArmExpression;
