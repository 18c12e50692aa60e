namespace Coder.Infra.Tests.Arm.Values;

/// <summary>
/// One value an ARM expression may take at deployment time. Evaluation yields a list of candidates:
/// both branches of <c>if()</c>, every element under <c>copyIndex()</c>. A check that must hold for the
/// deployed template must therefore hold for every candidate.
/// </summary>
public abstract record ArmValue
{
    /// <summary>The value as text inside <c>format()</c>/<c>concat()</c>; unknown parts render as <c>{?}</c>.</summary>
    public abstract string Render();
}
