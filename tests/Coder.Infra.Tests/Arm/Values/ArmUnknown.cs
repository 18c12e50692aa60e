namespace Coder.Infra.Tests.Arm.Values;

/// <summary>A value only known at deployment time (reference(), uniqueString(), a parameter without default...).</summary>
public sealed record ArmUnknown(string Reason) : ArmValue
{
    /// <summary>The deployment-time expression this stands for, when evaluating with deployment placeholders (<see cref="ArmScope.Placeholders"/>).</summary>
    public string? Reference { get; init; }

    public override string Render() => "{?}";
}
