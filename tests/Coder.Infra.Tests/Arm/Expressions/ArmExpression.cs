namespace Coder.Infra.Tests.Arm.Expressions;

/// <summary>A node of an ARM template language expression (the text between the outer brackets).</summary>
public abstract record ArmExpression;
