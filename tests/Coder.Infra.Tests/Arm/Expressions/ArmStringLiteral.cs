namespace Coder.Infra.Tests.Arm.Expressions;

public sealed record ArmStringLiteral(string Value) : ArmExpression;
