namespace Coder.Infra.Tests.Arm.Values;

/// <summary><c>copyIndex()</c>: indexing with it yields every element.</summary>
public sealed record ArmAnyIndex : ArmValue
{
    public static ArmAnyIndex Instance { get; } = new();

    public override string Render() => "{?}";
}
