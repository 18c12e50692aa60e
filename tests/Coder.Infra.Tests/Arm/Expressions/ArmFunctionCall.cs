namespace Coder.Infra.Tests.Arm.Expressions;

public sealed record ArmFunctionCall(string Name, IReadOnlyList<ArmExpression> Arguments) : ArmExpression;
