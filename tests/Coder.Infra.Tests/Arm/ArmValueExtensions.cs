using Coder.Infra.Tests.Arm.Values;

namespace Coder.Infra.Tests.Arm;

public static class ArmValueExtensions
{
    /// <summary>The rendered text of every candidate; unknown parts appear as {?}.</summary>
    public static IReadOnlyList<string> Texts(this IEnumerable<ArmValue> candidates) =>
        candidates.Select(candidate => candidate.Render()).ToList();

    /// <summary>The value when every candidate agrees on one constant; otherwise a message saying why not.</summary>
    public static string Constant(this IEnumerable<ArmValue> candidates) =>
        candidates.Distinct().ToList() is [ArmText or ArmNumber or ArmBool] single
            ? single[0].Render()
            : $"<not constant: {string.Join(" | ", candidates.Select(c => c is ArmUnknown u ? u.Reason : c.Render()))}>";

    /// <summary>Every candidate element of every candidate array.</summary>
    public static IReadOnlyList<ArmValue> Elements(this IEnumerable<ArmValue> candidates) =>
        candidates.OfType<ArmArray>().SelectMany(array => array.Items.SelectMany(item => item.Value)).ToList();
}
